package dev.clawgate.openai;

/**
 * A fragment of a streamed tool call. The first fragment of a call carries {@code id} and {@code name}; later ones
 * append to {@code arguments}. Fields absent from the fragment are null and are not written.
 *
 * @param index     position of the call in the message, preserved from the upstream
 * @param id        call id, first fragment only
 * @param type      {@code function}, first fragment only
 * @param name      function name, first fragment only
 * @param arguments a piece of the arguments JSON string
 */
public record ToolCallDelta(int index, String id, String type, String name, String arguments) {
    public StringBuilder appendJson(StringBuilder b) {
        b.append("{\"index\":").append(index);
        if (id != null) {
            b.append(",\"id\":");
            JsonText.quote(b, id);
        }
        if (type != null) {
            b.append(",\"type\":");
            JsonText.quote(b, type);
        }
        if (name != null || arguments != null) {
            b.append(",\"function\":{");
            boolean first = true;
            if (name != null) {
                b.append("\"name\":");
                JsonText.quote(b, name);
                first = false;
            }
            if (arguments != null) {
                b.append(first ? "" : ",").append("\"arguments\":");
                JsonText.quote(b, arguments);
            }
            b.append('}');
        }
        return b.append('}');
    }
}
