package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.ReplicationConfiguration;
import io.backbeat.connect.model.ReplicationRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.w3c.dom.Element;

/** Bucket operations: create, list, versioning, replication configuration, location. */
final class BucketApi {

    private static final int MAX_XML = 1024 * 1024;
    private final SiteContext site;

    BucketApi(SiteContext site) {
        this.site = site;
    }

    S3Response listBuckets(S3Request req) {
        Account a = req.account();
        Xml x = Xml.root("ListAllMyBucketsResult").open("Owner").element("ID", a.canonicalId())
                .element("DisplayName", a.displayName()).close("Owner").open("Buckets");
        for (Map.Entry<String, String> b : site.metadata.bucketsOf(a.canonicalId()).entrySet()) {
            x.open("Bucket").element("Name", b.getKey()).element("CreationDate", b.getValue()).close("Bucket");
        }
        return S3Response.xml(x.close("Buckets").done("ListAllMyBucketsResult"));
    }

    S3Response create(S3Request req) throws IOException {
        String name = req.bucket();
        validateName(name);
        byte[] body = req.smallBody(MAX_XML);
        if (body.length > 0) {
            Element root = Xml.parse(body, "CreateBucketConfiguration");
            String location = Xml.text(root, "LocationConstraint");
            if (location != null && !location.isEmpty() && !location.equals(site.locationConstraint)) {
                throw new S3Exception(400, "InvalidLocationConstraint", "The specified location constraint "
                        + location + " is not valid; this site has the location " + site.locationConstraint);
            }
        }
        Account owner = req.account();
        return site.metadata.locked(name, () -> {
            BsonDocument existing = site.metadata.metastoreDocument(name);
            if (existing != null) {
                String existingOwner = MetadataStore.stringField(existing.getDocument("value"), "owner");
                if (owner.canonicalId().equals(existingOwner)) {
                    throw new S3Exception(409, "BucketAlreadyOwnedByYou",
                            "Your previous request to create the named bucket succeeded and you already own it: "
                                    + name);
                }
                throw new S3Exception(409, "BucketAlreadyExists", "The requested bucket name is not available: "
                        + name);
            }
            String created = site.now();
            String uid = UUID.randomUUID().toString();
            BsonDocument transientValue = BucketValues.newBucket(name, owner.canonicalId(), owner.displayName(),
                    created, site.locationConstraint, uid, true);
            BsonDocument finalValue = BucketValues.with(transientValue, "transient",
                    org.bson.BsonBoolean.FALSE);
            site.metadata.createBucket(name, transientValue, finalValue, owner.canonicalId(), site.now());
            return S3Response.ok().header("Location", "/" + name);
        });
    }

    S3Response head(S3Request req) {
        site.bucket(req.bucket(), req.account());
        return S3Response.ok();
    }

    S3Response location(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        String loc = b.info().locationConstraint();
        return S3Response.xml(Xml.root("LocationConstraint").done("LocationConstraint")
                .replace("</LocationConstraint>", Xml.escape(loc == null ? "" : loc) + "</LocationConstraint>"));
    }

    S3Response putVersioning(S3Request req) throws IOException {
        Element root = Xml.parse(req.smallBody(MAX_XML), "VersioningConfiguration");
        String status = Xml.text(root, "Status");
        String mfa = Xml.text(root, "MfaDelete");
        if (mfa != null && mfa.equals("Enabled")) {
            throw S3Exception.notImplemented("MFA delete");
        }
        if ("Suspended".equals(status)) {
            throw S3Exception.notImplemented("suspending versioning (null versions)");
        }
        if (!"Enabled".equals(status)) {
            throw S3Exception.malformedXml("<Status> must be Enabled or Suspended, got " + status);
        }
        return site.metadata.locked(req.bucket(), () -> {
            SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
            site.metadata.putBucketValue(b.name(), BucketValues.with(b.value(), "versioningConfiguration",
                    BucketValues.versioning(status)));
            return S3Response.ok();
        });
    }

    S3Response getVersioning(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        Xml x = Xml.root("VersioningConfiguration").element("Status", b.info().versioningStatus());
        return S3Response.xml(x.done("VersioningConfiguration"));
    }

    S3Response putReplication(S3Request req) throws IOException {
        Element root = Xml.parse(req.smallBody(MAX_XML), "ReplicationConfiguration");
        String role = Xml.requiredText(root, "Role").trim();
        List<Element> ruleElements = Xml.children(root, "Rule");
        if (ruleElements.isEmpty()) {
            throw S3Exception.malformedXml("<ReplicationConfiguration> needs at least one <Rule>");
        }
        if (ruleElements.size() > 1000) {
            throw S3Exception.invalidRequest("a replication configuration has at most 1000 rules");
        }
        List<ReplicationRule> rules = new ArrayList<>();
        String destination = null;
        boolean cloudSitesOnly = true;
        for (Element r : ruleElements) {
            if (Xml.child(r, "Filter") != null) {
                throw S3Exception.notImplemented("replication rules with <Filter> (V2); use <Prefix>");
            }
            String id = Xml.text(r, "ID");
            if (id == null || id.isEmpty()) {
                id = UUID.randomUUID().toString().replace("-", "");
            }
            String prefix = Xml.text(r, "Prefix");
            if (prefix == null) {
                throw S3Exception.malformedXml("rule " + id + " needs a <Prefix> (may be empty)");
            }
            String status = Xml.requiredText(r, "Status");
            if (!status.equals("Enabled") && !status.equals("Disabled")) {
                throw S3Exception.malformedXml("rule " + id + ": <Status> must be Enabled or Disabled, got "
                        + status);
            }
            Element dest = Xml.child(r, "Destination");
            if (dest == null) {
                throw S3Exception.malformedXml("rule " + id + " needs a <Destination>");
            }
            String bucketArn = Xml.requiredText(dest, "Bucket").trim();
            if (!bucketArn.matches("arn:aws:s3:::[a-z0-9.\\-]{3,63}")) {
                throw S3Exception.invalidArgument("rule " + id + ": the destination bucket must be an ARN "
                        + "arn:aws:s3:::<bucket>, got " + bucketArn);
            }
            if (destination != null && !destination.equals(bucketArn)) {
                throw S3Exception.invalidRequest("all rules must replicate to the same destination bucket");
            }
            destination = bucketArn;
            String storageClass = Xml.text(dest, "StorageClass");
            ReplicationRule rule = new ReplicationRule(id, prefix, status.equals("Enabled"), storageClass);
            if (rule.sites().isEmpty()) {
                throw S3Exception.invalidRequest("rule " + id + ": <StorageClass> must name the destination site(s),"
                        + " one of " + site.replication.sites().keySet());
            }
            for (String s : rule.sites()) {
                String siteName = s.endsWith(":preferred_read") ? s.substring(0, s.indexOf(':')) : s;
                if (!site.replication.isKnownSite(siteName)) {
                    throw S3Exception.invalidRequest("rule " + id + ": the storage class " + siteName
                            + " is not a replication site of this source site; known sites: "
                            + site.replication.sites().keySet());
                }
                if (site.replication.sites().get(siteName).isEmpty()) {
                    cloudSitesOnly = false;
                }
            }
            if (rules.stream().anyMatch(other -> other.id().equals(rule.id()))) {
                throw S3Exception.invalidRequest("rule ids must be unique: " + rule.id());
            }
            rules.add(rule);
        }
        validateRole(role, cloudSitesOnly);
        ReplicationConfiguration config = new ReplicationConfiguration(role, destination, rules);
        return site.metadata.locked(req.bucket(), () -> {
            SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
            if (!b.versioned()) {
                throw S3Exception.invalidRequest("Versioning must be 'Enabled' on the bucket to apply a "
                        + "replication configuration");
            }
            site.metadata.putBucketValue(b.name(), BucketValues.with(b.value(), "replicationConfiguration",
                    BucketValues.replication(config.role(), config.destination(), config.rules())));
            return S3Response.ok();
        });
    }

    /** CloudServer wants "source role,destination role" for CloudServer-type sites, one role for cloud sites. */
    private static void validateRole(String role, boolean cloudSitesOnly) {
        String[] roles = role.split(",");
        for (String r : roles) {
            if (!r.trim().matches("arn:aws:iam::[0-9]{12}:role/[\\w+=,.@\\-/]+")) {
                throw S3Exception.invalidArgument("invalid role ARN '" + r + "' in <Role>");
            }
        }
        if (!cloudSitesOnly && roles.length != 2) {
            throw S3Exception.invalidArgument("<Role> must hold two comma-separated role ARNs (source, "
                    + "destination) when replicating to CloudServer-type sites, got " + roles.length);
        }
        if (cloudSitesOnly && roles.length != 1) {
            throw S3Exception.invalidArgument("<Role> must hold one role ARN when replicating to cloud sites only");
        }
    }

    S3Response getReplication(S3Request req) {
        SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
        ReplicationConfiguration c = b.info().replicationConfiguration();
        if (c == null) {
            throw new S3Exception(404, "ReplicationConfigurationNotFoundError",
                    "The replication configuration was not found for bucket " + b.name());
        }
        Xml x = Xml.root("ReplicationConfiguration").element("Role", c.role());
        for (ReplicationRule r : c.rules()) {
            x.open("Rule").element("ID", r.id()).element("Prefix", r.prefix())
                    .element("Status", r.enabled() ? "Enabled" : "Disabled").open("Destination")
                    .element("Bucket", c.destination());
            if (!r.storageClass().isEmpty()) {
                x.element("StorageClass", r.storageClass());
            }
            x.close("Destination").close("Rule");
        }
        return S3Response.xml(x.done("ReplicationConfiguration"));
    }

    S3Response deleteReplication(S3Request req) {
        return site.metadata.locked(req.bucket(), () -> {
            SiteContext.Bucket b = site.bucket(req.bucket(), req.account());
            site.metadata.putBucketValue(b.name(), BucketValues.with(b.value(), "replicationConfiguration",
                    BsonNull.VALUE));
            return S3Response.noContent();
        });
    }

    static void validateName(String name) {
        if (name.length() < 3 || name.length() > 63 || !name.matches("[a-z0-9][a-z0-9.\\-]*[a-z0-9]")
                || name.contains("..") || name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            throw new S3Exception(400, "InvalidBucketName", "The specified bucket is not valid: " + name
                    + " (3-63 characters: lower-case letters, digits, dots, hyphens)");
        }
        if (name.startsWith(MetadataStore.MPU_SHADOW_PREFIX.toLowerCase())) {
            throw new S3Exception(400, "InvalidBucketName", "bucket names starting with mpushadowbucket are "
                    + "reserved: " + name);
        }
    }
}
