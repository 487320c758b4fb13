package dev.clawgate.upstream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The built-in {@code echo} model's embeddings: for each input a deterministic unit vector of {@value #DIMENSIONS}
 * floats (or the request's {@code dimensions}, at most {@value #MAX_DIMENSIONS}) derived from the SHA-256 of the
 * input, so equal inputs give equal vectors and a default run can demonstrate {@code /v1/embeddings}. A word (or a
 * token id) counts as one prompt token. {@code encoding_format: base64} gives the vector's little-endian float32
 * bytes in base64, as OpenAI does.
 */
final class EchoEmbeddings {
    static final int DIMENSIONS = 8;
    static final int MAX_DIMENSIONS = 4096;

    private EchoEmbeddings() {
    }

    static JsonObject answer(EmbeddingRequest request) {
        List<JsonValue> inputs = new ArrayList<>();
        JsonValue input = request.input();
        if (input instanceof JsonArray array && !array.isEmpty() && !(array.get(0) instanceof JsonNumber)) {
            inputs.addAll(array);
        } else {
            inputs.add(input);
        }
        int dims = request.dimensions() == null ? DIMENSIONS
                : (int) Math.max(1, Math.min(MAX_DIMENSIONS, request.dimensions()));
        boolean base64 = "base64".equals(request.encodingFormat());
        JsonArrayBuilder data = Json.createArrayBuilder();
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            JsonValue one = inputs.get(i);
            tokens += tokens(one);
            float[] v = vector(one.toString(), dims);
            JsonValue embedding = base64 ? Json.createValue(base64(v)) : floats(v).build();
            data.add(Json.createObjectBuilder().add("object", "embedding").add("index", i)
                    .add("embedding", embedding));
        }
        return Json.createObjectBuilder().add("object", "list").add("data", data).add("model", request.model())
                .add("usage", Json.createObjectBuilder().add("prompt_tokens", tokens).add("total_tokens", tokens))
                .build();
    }

    /** A unit vector from the SHA-256 chain of {@code text}. */
    static float[] vector(String text, int dims) {
        float[] v = new float[dims];
        byte[] seed = text.getBytes(StandardCharsets.UTF_8);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] block = sha.digest(seed);
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            int at = (i * 2) % block.length;
            if (i > 0 && at == 0) {
                block = sha.digest(block);
            }
            int bits = ((block[at] & 0xff) << 8) | (block[at + 1] & 0xff);
            v[i] = bits / 32767.5f - 1f;
            norm += v[i] * (double) v[i];
        }
        float scale = norm == 0 ? 1f : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static JsonArrayBuilder floats(float[] v) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        for (float f : v) {
            b.add(Json.createValue(new java.math.BigDecimal(Float.toString(f))));
        }
        return b;
    }

    private static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bytes.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static long tokens(JsonValue one) {
        if (one instanceof JsonString s) {
            String t = s.getString().strip();
            return t.isEmpty() ? 0 : t.split("\\s+").length;
        }
        return one instanceof JsonArray a ? a.size() : 0;
    }
}
