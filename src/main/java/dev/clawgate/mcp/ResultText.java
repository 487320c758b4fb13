package dev.clawgate.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.util.List;

/**
 * Turns a {@code tools/call} result into the text of a {@code tool} message: text parts as they are, joined with a
 * newline; other parts summarised ({@code [image: image/png]}, {@code [audio: audio/wav]},
 * {@code [resource: file:///a.bin (application/pdf)]}, {@code [resource link: file:///b]}); an embedded text resource
 * contributes its text. A result with no content but structured content contributes that as JSON. The text is cut at
 * {@code maxChars} characters with a note saying how many were left out.
 */
final class ResultText {
    private ResultText() {
    }

    static String of(McpSchema.CallToolResult result, McpJsonMapper json, int maxChars) {
        StringBuilder b = new StringBuilder();
        List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
        for (McpSchema.Content part : content) {
            if (b.length() > 0) {
                b.append('\n');
            }
            append(b, part);
            if (b.length() > maxChars) {
                break;
            }
        }
        if (content.isEmpty() && result.structuredContent() != null) {
            try {
                b.append(json.writeValueAsString(result.structuredContent()));
            } catch (IOException e) {
                b.append("[structured content]");
            }
        }
        return cap(b, maxChars);
    }

    static String cap(CharSequence s, int maxChars) {
        if (s.length() <= maxChars) {
            return s.toString();
        }
        return s.subSequence(0, maxChars) + "\n[truncated: " + (s.length() - maxChars) + " more characters]";
    }

    private static void append(StringBuilder b, McpSchema.Content part) {
        if (part instanceof McpSchema.TextContent t) {
            b.append(t.text() == null ? "" : t.text());
        } else if (part instanceof McpSchema.ImageContent i) {
            b.append("[image: ").append(i.mimeType()).append(']');
        } else if (part instanceof McpSchema.AudioContent a) {
            b.append("[audio: ").append(a.mimeType()).append(']');
        } else if (part instanceof McpSchema.EmbeddedResource r) {
            if (r.resource() instanceof McpSchema.TextResourceContents t && t.text() != null) {
                b.append(t.text());
            } else {
                b.append("[resource: ").append(r.resource().uri());
                if (r.resource().mimeType() != null) {
                    b.append(" (").append(r.resource().mimeType()).append(')');
                }
                b.append(']');
            }
        } else if (part instanceof McpSchema.ResourceLink l) {
            b.append("[resource link: ").append(l.uri()).append(']');
        } else {
            b.append('[').append(part.type()).append(']');
        }
    }
}
