package io.backbeat.connect.sandbox.sourcesite;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Makes two metadata traces comparable: internal version ids, hashes/upload ids and bucket uids become tokens
 * numbered by order of first appearance (so identity relations still have to match), dates become a constant.
 */
final class TraceNormalizer {

    private static final Pattern VERSION_ID = Pattern.compile("[0-9]{20}RG001  [0-9]+\\.[0-9]+");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern HEX32 = Pattern.compile("(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z");

    private final Map<String, String> versions = new HashMap<>();
    private final Map<String, String> uids = new HashMap<>();
    private final Map<String, String> hashes = new HashMap<>();

    BsonValue normalize(BsonValue v) {
        if (v.isDocument()) {
            BsonDocument out = new BsonDocument();
            for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
                out.put(normalize(e.getKey()), normalize(e.getValue()));
            }
            return out;
        }
        if (v.isArray()) {
            BsonArray out = new BsonArray();
            v.asArray().forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (v.isString()) {
            return new BsonString(normalize(v.asString().getValue()));
        }
        return v;
    }

    String normalize(String s) {
        s = replace(s, VERSION_ID, versions, "VID");
        s = replace(s, UUID, uids, "UID");
        s = replace(s, HEX32, hashes, "HEX");
        return DATE.matcher(s).replaceAll("DATE");
    }

    private static String replace(String s, Pattern p, Map<String, String> tokens, String name) {
        Matcher m = p.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String token = tokens.computeIfAbsent(m.group(), k -> "<" + name + (tokens.size() + 1) + ">");
            m.appendReplacement(sb, Matcher.quoteReplacement(token));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
