package io.backbeat.connect.source;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Which collections and buckets of the metadata database become log entries.
 *
 * <p>CloudServer keeps internal collections next to the bucket collections ({@code __usersbucket},
 * {@code __infostore}, {@code PENSIEVE}, the multipart shadow buckets {@code mpuShadowBucket<bucket>}) and
 * registers some of them in {@code __metastore} too ({@code users..bucket}, {@code mpuShadowBucket<bucket>}).
 * None of them is a user bucket. The exact-name rules are pushed into the server-side pipeline so the
 * traffic never leaves MongoDB; {@link #accepts(String)} applies every rule (patterns included) again on the
 * client, so the server-side part is an optimisation, not the source of truth.
 */
public final class BucketFilter {

    /** Collection whose documents describe buckets (BUCKET entries). */
    public static final String METASTORE = "__metastore";
    static final String MPU_SHADOW_PREFIX = "mpuShadowBucket";
    static final Set<String> INTERNAL_NAMES = Set.of("__usersbucket", "__infostore", "PENSIEVE", "users..bucket",
            METASTORE);

    private final Set<String> include;
    private final Set<String> exclude;
    private final Optional<Pattern> includePattern;
    private final Optional<Pattern> excludePattern;

    public BucketFilter(List<String> include, List<String> exclude, Optional<Pattern> includePattern,
            Optional<Pattern> excludePattern) {
        this.include = clean(include);
        this.exclude = clean(exclude);
        this.includePattern = includePattern;
        this.excludePattern = excludePattern;
    }

    public static BucketFilter all() {
        return new BucketFilter(List.of(), List.of(), Optional.empty(), Optional.empty());
    }

    /** True for CloudServer's own collections and bucket names (never user buckets). */
    public static boolean isInternal(String name) {
        return INTERNAL_NAMES.contains(name) || name.startsWith(MPU_SHADOW_PREFIX) || name.startsWith("__");
    }

    /** Whether events of the user bucket {@code bucket} are wanted by the include/exclude settings. */
    public boolean accepts(String bucket) {
        if (isInternal(bucket)) {
            return false;
        }
        if (!include.isEmpty() && !include.contains(bucket)) {
            return false;
        }
        if (exclude.contains(bucket)) {
            return false;
        }
        if (includePattern.isPresent() && !includePattern.get().matcher(bucket).matches()) {
            return false;
        }
        return excludePattern.isEmpty() || !excludePattern.get().matcher(bucket).matches();
    }

    /**
     * The server-side {@code $match} stage: the data events of user buckets and {@code __metastore}, plus the
     * events that end a database-level stream (which must reach the task so that it can report them).
     */
    public BsonDocument matchStage() {
        List<BsonValue> and = new ArrayList<>();
        and.add(doc("operationType", doc("$in", strings(List.of("insert", "update", "replace", "delete")))));
        // Object collections: not internal. __metastore itself is allowed here, its documents are checked below.
        Set<String> internalColls = new LinkedHashSet<>(INTERNAL_NAMES);
        internalColls.remove(METASTORE);
        internalColls.addAll(exclude);
        and.add(doc("ns.coll", doc("$nin", strings(internalColls))));
        and.add(doc("ns.coll", doc("$not", new BsonRegularExpression("^(" + MPU_SHADOW_PREFIX + "|__(?!metastore$))"))));
        // __metastore documents: bucket names, same rules.
        Set<String> internalIds = new LinkedHashSet<>(INTERNAL_NAMES);
        internalIds.addAll(exclude);
        BsonDocument bucketIdRules = new BsonDocument("documentKey._id",
                doc("$nin", strings(internalIds)));
        and.add(or(doc("ns.coll", doc("$ne", new BsonString(METASTORE))), bucketIdRules));
        and.add(or(doc("ns.coll", doc("$ne", new BsonString(METASTORE))),
                doc("documentKey._id", doc("$not", new BsonRegularExpression("^(" + MPU_SHADOW_PREFIX + "|__)")))));
        if (!include.isEmpty()) {
            BsonDocument metastoreInclude = new BsonDocument("ns.coll", new BsonString(METASTORE))
                    .append("documentKey._id", doc("$in", strings(include)));
            and.add(or(doc("ns.coll", doc("$in", strings(include))), metastoreInclude));
        }
        BsonDocument dataEvents = new BsonDocument("$and", new BsonArray(and));
        BsonDocument streamEnd = doc("operationType", doc("$in", strings(List.of("invalidate", "dropDatabase"))));
        return new BsonDocument("$match", or(dataEvents, streamEnd));
    }

    @Override
    public String toString() {
        return "include=" + include + ", exclude=" + exclude + ", includePattern=" + includePattern.map(Pattern::pattern)
                .orElse("") + ", excludePattern=" + excludePattern.map(Pattern::pattern).orElse("");
    }

    private static Set<String> clean(List<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (n != null && !n.isBlank()) {
                out.add(n.trim());
            }
        }
        return out;
    }

    private static BsonDocument doc(String key, BsonValue value) {
        return new BsonDocument(key, value);
    }

    private static BsonDocument or(BsonDocument a, BsonDocument b) {
        return new BsonDocument("$or", new BsonArray(List.of(a, b)));
    }

    private static BsonArray strings(java.util.Collection<String> values) {
        BsonArray a = new BsonArray();
        values.forEach(v -> a.add(new BsonString(v)));
        return a;
    }
}
