package dev.clawgate.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Just enough PromQL lexing to list the vector selectors of an expression ({@code metric{label="v"}}, with any
 * range, offset or function around them dropped), so a test can ask Prometheus whether each selector on its own
 * matches series. An alert that rightly returns nothing still has to name metrics and label values that exist.
 */
final class PromQl {
    /** Words that are operators or modifiers, never metric names. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "atan2", "inf", "nan");
    /** Aggregations, which may be followed by {@code by (...)} before their parenthesis. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Modifiers followed by a parenthesised label list. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromQl() {
    }

    /** The vector selectors of {@code expr} in order of appearance, each as {@code name{matchers}} or {@code name}. */
    static List<String> selectors(String expr) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '#') {
                while (i < n && expr.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = closing(expr, i, ']');
            } else if (c == '{') {
                int end = skipMatchers(expr, i);
                out.add(expr.substring(i, end));
                i = end;
            } else if (Character.isDigit(c) || c == '.') {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                        || expr.charAt(i) == ':')) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpace(expr, i);
                if (LABEL_LISTS.contains(word)) {
                    if (next < n && expr.charAt(next) == '(') {
                        i = closing(expr, next, ')');
                    }
                } else if (KEYWORDS.contains(word) || AGGREGATIONS.contains(word)
                        || next < n && expr.charAt(next) == '(') {
                    continue; // an operator, an aggregation or a function call
                } else if (next < n && expr.charAt(next) == '{') {
                    int end = skipMatchers(expr, next);
                    out.add(word + expr.substring(next, end));
                    i = end;
                } else {
                    out.add(word);
                }
            } else {
                i++;
            }
        }
        return out;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int closing(String s, int from, char close) {
        int at = s.indexOf(close, from);
        if (at < 0) {
            throw new IllegalArgumentException("no " + close + " after position " + from + " in " + s);
        }
        return at + 1;
    }

    private static int skipString(String s, int i) {
        char quote = s.charAt(i);
        i++;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    /** From the {@code {} at {@code i} to just past its {@code }}, skipping quoted label values. */
    private static int skipMatchers(String s, int i) {
        i++;
        while (i < s.length() && s.charAt(i) != '}') {
            char c = s.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(s, i) : i + 1;
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("unclosed { in " + s);
        }
        return i + 1;
    }
}
