package io.backbeat.connect.sandbox.sourcesite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.backbeat.connect.model.InvalidMetadataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes S3 requests (path-style, or virtual-host style under *.localhost) to the operations. */
final class S3Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(S3Router.class);
    /** Sub-resources the emulator knows but does not implement: refused clearly instead of misread. */
    private static final Set<String> UNSUPPORTED = Set.of("acl", "cors", "lifecycle", "policy", "website",
            "notification", "object-lock", "encryption", "logging", "requestPayment", "accelerate", "analytics",
            "inventory", "metrics", "ownershipControls", "publicAccessBlock", "intelligent-tiering", "legal-hold",
            "retention", "restore", "select", "torrent", "attributes", "policyStatus", "replicationMetrics");

    private final RequestAuthenticator authenticator;
    private final BucketApi buckets;
    private final ObjectApi objects;
    private final MultipartApi multipart;
    private final ListingApi listing;
    private final BackbeatApi backbeat;

    S3Router(RequestAuthenticator authenticator, SiteContext site) {
        this.authenticator = authenticator;
        this.buckets = new BucketApi(site);
        this.objects = new ObjectApi(site);
        this.multipart = new MultipartApi(site, objects);
        this.listing = new ListingApi(site);
        this.backbeat = new BackbeatApi(site);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = Long.toHexString(ThreadLocalRandom.current().nextLong()).toUpperCase(Locale.ROOT);
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String resource = exchange.getRequestURI().getRawPath();
        long startNanos = System.nanoTime();
        try {
            S3Response response = route(exchange, method);
            send(exchange, method, response, requestId);
        } catch (Exception e) {
            S3Exception error = toS3Error(e);
            if (error.httpStatus() == 500) {
                LOG.error("{} {} failed", method, resource, e);
            } else {
                LOG.debug("{} {} -> {} {}", method, resource, error.code(), error.getMessage());
            }
            sendError(exchange, method, error, resource, requestId);
        } finally {
            exchange.close();
            LOG.debug("{} {} took {} ms", method, resource, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    private S3Response route(HttpExchange exchange, String method) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = RequestAuthenticator.rawQueryParams(rawQuery);
        RequestAuthenticator.AuthContext auth = authenticator.authenticate(new RequestAuthenticator.SignedRequest(
                method, rawPath, rawQuery, name -> exchange.getRequestHeaders().get(name)));

        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        if (path.startsWith(BackbeatApi.PREFIX)) {
            String rest = path.substring(BackbeatApi.PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                throw S3Exception.invalidArgument("backbeat metadata routes are " + BackbeatApi.PREFIX
                        + "<bucket>/<key>");
            }
            S3Request req = new S3Request(exchange, method, SigV4.percentDecode(rest.substring(0, slash)),
                    SigV4.percentDecode(rest.substring(slash + 1)), query);
            req.authenticated(auth);
            return backbeat.handle(req, req.bucket(), req.key());
        }
        String bucket;
        String key;
        String hostBucket = virtualHostBucket(exchange.getRequestHeaders().getFirst("host"));
        if (hostBucket != null) {
            bucket = hostBucket;
            key = path.length() > 1 ? SigV4.percentDecode(path.substring(1)) : null;
        } else {
            String p = path.substring(1);
            int slash = p.indexOf('/');
            if (p.isEmpty()) {
                bucket = null;
                key = null;
            } else if (slash < 0 || slash == p.length() - 1) {
                bucket = SigV4.percentDecode(slash < 0 ? p : p.substring(0, slash));
                key = null;
            } else {
                bucket = SigV4.percentDecode(p.substring(0, slash));
                key = SigV4.percentDecode(p.substring(slash + 1));
            }
        }
        S3Request req = new S3Request(exchange, method, bucket, key, query);
        req.authenticated(auth);
        for (String sub : query.keySet()) {
            if (UNSUPPORTED.contains(sub)) {
                throw S3Exception.notImplemented("the ?" + sub + " sub-resource");
            }
        }
        if (bucket == null) {
            if (method.equals("GET")) {
                return buckets.listBuckets(req);
            }
            throw methodNotAllowed(method, "the service");
        }
        return key == null ? bucketOperation(req, method) : objectOperation(req, method);
    }

    private S3Response bucketOperation(S3Request req, String method) throws IOException {
        switch (method) {
            case "PUT":
                if (req.has("versioning")) {
                    return buckets.putVersioning(req);
                }
                if (req.has("replication")) {
                    return buckets.putReplication(req);
                }
                if (req.has("tagging")) {
                    throw S3Exception.notImplemented("bucket tagging");
                }
                return buckets.create(req);
            case "GET":
                if (req.has("versioning")) {
                    return buckets.getVersioning(req);
                }
                if (req.has("replication")) {
                    return buckets.getReplication(req);
                }
                if (req.has("versions")) {
                    return listing.listVersions(req);
                }
                if (req.has("location")) {
                    return buckets.location(req);
                }
                if (req.has("uploads")) {
                    throw S3Exception.notImplemented("ListMultipartUploads");
                }
                if (req.has("tagging")) {
                    throw S3Exception.notImplemented("bucket tagging");
                }
                return listing.listObjects(req, "2".equals(req.query("list-type")));
            case "HEAD":
                return buckets.head(req);
            case "DELETE":
                if (req.has("replication")) {
                    return buckets.deleteReplication(req);
                }
                throw S3Exception.notImplemented("DeleteBucket");
            case "POST":
                if (req.has("delete")) {
                    return objects.deleteMultiple(req);
                }
                throw methodNotAllowed(method, "a bucket");
            default:
                throw methodNotAllowed(method, "a bucket");
        }
    }

    private S3Response objectOperation(S3Request req, String method) throws IOException {
        switch (method) {
            case "PUT":
                if (req.has("tagging")) {
                    return objects.putTagging(req);
                }
                if (req.has("uploadId") || req.has("partNumber")) {
                    requireUpload(req);
                    return multipart.uploadPart(req);
                }
                if (req.header("x-amz-copy-source") != null) {
                    return objects.copy(req);
                }
                return objects.put(req);
            case "GET":
                if (req.has("tagging")) {
                    return objects.getTagging(req);
                }
                if (req.has("uploadId")) {
                    throw S3Exception.notImplemented("ListParts");
                }
                return objects.get(req, false);
            case "HEAD":
                return objects.get(req, true);
            case "DELETE":
                if (req.has("tagging")) {
                    return objects.deleteTagging(req);
                }
                if (req.has("uploadId")) {
                    requireUpload(req);
                    return multipart.abort(req);
                }
                return objects.delete(req);
            case "POST":
                if (req.has("uploads")) {
                    return multipart.create(req);
                }
                if (req.has("uploadId")) {
                    requireUpload(req);
                    return multipart.complete(req);
                }
                throw methodNotAllowed(method, "an object");
            default:
                throw methodNotAllowed(method, "an object");
        }
    }

    private static void requireUpload(S3Request req) {
        String id = req.query("uploadId");
        if (id == null || id.isEmpty()) {
            throw S3Exception.invalidArgument("uploadId is required");
        }
        if (!id.matches("[0-9a-f]{32}")) {
            throw S3Exception.noSuchUpload(id);
        }
    }

    private static S3Exception methodNotAllowed(String method, String what) {
        return new S3Exception(405, "MethodNotAllowed", "The specified method " + method + " is not allowed "
                + "against " + what);
    }

    /** Buckets addressed as {@code <bucket>.localhost[:port]}. */
    static String virtualHostBucket(String host) {
        if (host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".localhost") && h.length() > ".localhost".length()) {
            return h.substring(0, h.length() - ".localhost".length());
        }
        return null;
    }

    static S3Exception toS3Error(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof S3Exception) {
                return (S3Exception) t;
            }
            if (t instanceof PayloadDecoder.PayloadException) {
                return ((PayloadDecoder.PayloadException) t).error();
            }
            if (t instanceof InvalidMetadataException) {
                return S3Exception.internal("stored metadata is invalid: " + t.getMessage(), t);
            }
        }
        return S3Exception.internal("internal error: " + e, e);
    }

    private static void send(HttpExchange exchange, String method, S3Response r, String requestId)
            throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("x-amz-request-id", requestId);
        headers.set("x-amz-id-2", requestId);
        headers.set("Server", "Backbeat-Connect-SourceSite");
        r.headers.forEach(headers::set);
        boolean head = method.equals("HEAD");
        if (r.status == 204 || head) {
            if (head && !r.headers.containsKey("Content-Length")) {
                headers.set("Content-Length", "0");
            }
            exchange.sendResponseHeaders(r.status, -1);
            return;
        }
        if (r.stream != null) {
            try (InputStream in = r.stream) {
                exchange.sendResponseHeaders(r.status, r.streamLength == 0 ? -1 : r.streamLength);
                if (r.streamLength > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
            }
            return;
        }
        byte[] body = r.body == null ? new byte[0] : r.body;
        exchange.sendResponseHeaders(r.status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sendError(HttpExchange exchange, String method, S3Exception e, String resource,
            String requestId) throws IOException {
        S3Response r = S3Response.xml(Xml.plainRoot("Error").element("Code", e.code())
                .element("Message", e.getMessage()).element("Resource", resource).element("RequestId", requestId)
                .done("Error"));
        S3Response resp = S3Response.status(e.httpStatus());
        resp.body = method.equals("HEAD") ? null : r.body;
        resp.headers.putAll(r.headers);
        if (e instanceof ObjectApi.DeleteMarkerException) {
            resp.header("x-amz-delete-marker", "true");
            String vid = ((ObjectApi.DeleteMarkerException) e).versionId;
            if (vid != null) {
                resp.header("x-amz-version-id", io.backbeat.connect.model.VersionIds.encode(vid));
            }
        }
        try {
            send(exchange, method, resp, requestId);
        } catch (IOException | RuntimeException ioe) {
            LOG.debug("could not send the error answer for {}", resource, ioe);
        }
    }
}
