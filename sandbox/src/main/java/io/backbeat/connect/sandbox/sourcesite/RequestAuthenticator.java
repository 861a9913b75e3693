package io.backbeat.connect.sandbox.sourcesite;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks AWS Signature Version 4 (Authorization header or presigned query) against the configured accounts.
 * Payload hashes are checked later, while the body streams ({@link PayloadDecoder}).
 */
final class RequestAuthenticator {

    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    /** The outcome of a verified signature: who signed, and what streaming chunk signatures chain from. */
    record AuthContext(Account account, byte[] signingKey, String amzDate, String scope, String seedSignature,
            String payloadHash) {
    }

    /** What the authenticator needs to see of a request. */
    record SignedRequest(String method, String rawPath, String rawQuery, Function<String, List<String>> header) {
        String first(String name) {
            List<String> v = header.apply(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final Map<String, Account> accounts;
    private final java.time.Clock clock;

    RequestAuthenticator(Map<String, Account> accounts, java.time.Clock clock) {
        this.accounts = Map.copyOf(accounts);
        this.clock = clock;
    }

    AuthContext authenticate(SignedRequest req) {
        Map<String, String> query = rawQueryParams(req.rawQuery());
        String authorization = req.first("authorization");
        if (authorization != null) {
            return fromHeader(req, authorization, query);
        }
        if (query.containsKey("X-Amz-Algorithm") || query.containsKey("X-Amz-Signature")) {
            return fromQuery(req, query);
        }
        if (query.containsKey("Signature") || query.containsKey("AWSAccessKeyId")) {
            throw new S3Exception(400, "InvalidRequest",
                    "Signature Version 2 presigned URLs are not supported; sign with AWS Signature Version 4");
        }
        throw new S3Exception(403, "AccessDenied", "Anonymous requests are not allowed: sign the request with "
                + "AWS Signature Version 4 and one of the source site's access keys");
    }

    private AuthContext fromHeader(SignedRequest req, String authorization, Map<String, String> query) {
        if (authorization.startsWith("AWS ")) {
            throw new S3Exception(400, "InvalidRequest",
                    "Signature Version 2 is not supported; sign with AWS Signature Version 4");
        }
        if (!authorization.startsWith(SigV4.ALGORITHM + " ")) {
            throw new S3Exception(400, "AuthorizationHeaderMalformed",
                    "unsupported authorization algorithm in '" + firstWord(authorization) + "'; expected "
                            + SigV4.ALGORITHM);
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw malformedHeader("component '" + p + "' is not name=value");
            }
            parts.put(p.substring(0, eq), p.substring(eq + 1));
        }
        String credential = require(parts, "Credential");
        String signedHeaders = require(parts, "SignedHeaders");
        String signature = require(parts, "Signature");
        String amzDate = req.first("x-amz-date");
        if (amzDate == null) {
            String date = req.first("date");
            if (date == null) {
                throw new S3Exception(403, "AccessDenied",
                        "the request has neither an X-Amz-Date nor a Date header");
            }
            amzDate = toAmzDate(date);
        }
        Instant requestTime = parseAmzDate(amzDate);
        Duration skew = Duration.between(requestTime, clock.instant()).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw new S3Exception(403, "RequestTimeTooSkewed", "The difference between the request time ("
                    + amzDate + ") and the server's time is larger than " + MAX_SKEW.toMinutes() + " minutes");
        }
        String payloadHash = req.first("x-amz-content-sha256");
        if (payloadHash == null) {
            throw new S3Exception(400, "InvalidRequest",
                    "Missing required header for this request: x-amz-content-sha256");
        }
        Credential cred = parseCredential(credential, amzDate);
        String canonicalQuery = canonicalQuery(req.rawQuery(), null);
        return verify(req, cred, amzDate, signedHeaders, signature, canonicalQuery, payloadHash);
    }

    private AuthContext fromQuery(SignedRequest req, Map<String, String> query) {
        String algorithm = query.get("X-Amz-Algorithm");
        if (!SigV4.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "X-Amz-Algorithm must be " + SigV4.ALGORITHM + ", got " + algorithm);
        }
        String credential = requireQuery(query, "X-Amz-Credential");
        String amzDate = requireQuery(query, "X-Amz-Date");
        String signedHeaders = requireQuery(query, "X-Amz-SignedHeaders");
        String signature = requireQuery(query, "X-Amz-Signature");
        String expiresText = requireQuery(query, "X-Amz-Expires");
        long expires;
        try {
            expires = Long.parseLong(expiresText);
        } catch (NumberFormatException e) {
            throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "X-Amz-Expires must be a number of seconds, got '" + expiresText + "'");
        }
        if (expires < 1 || expires > 604800) {
            throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "X-Amz-Expires must be between 1 and 604800 seconds, got " + expires);
        }
        Instant signedAt = parseAmzDate(amzDate);
        Instant now = clock.instant();
        if (now.isAfter(signedAt.plusSeconds(expires))) {
            throw new S3Exception(403, "AccessDenied", "Request has expired (signed at " + amzDate + " for "
                    + expires + " s)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new S3Exception(403, "RequestTimeTooSkewed", "the presigned request is dated in the future: "
                    + amzDate);
        }
        Credential cred = parseCredential(credential, amzDate);
        String payloadHash = req.first("x-amz-content-sha256");
        if (payloadHash == null) {
            payloadHash = query.getOrDefault("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
        }
        String canonicalQuery = canonicalQuery(req.rawQuery(), "X-Amz-Signature");
        return verify(req, cred, amzDate, signedHeaders, signature, canonicalQuery, payloadHash);
    }

    private AuthContext verify(SignedRequest req, Credential cred, String amzDate, String signedHeaders,
            String signature, String canonicalQuery, String payloadHash) {
        Account account = accounts.get(cred.accessKey);
        if (account == null) {
            throw new S3Exception(403, "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records: " + cred.accessKey);
        }
        List<String> headerNames = Arrays.asList(signedHeaders.split(";"));
        if (!headerNames.contains("host")) {
            throw malformedHeader("SignedHeaders must include host");
        }
        StringBuilder canonical = new StringBuilder();
        canonical.append(req.method()).append('\n');
        canonical.append(req.rawPath()).append('\n');
        canonical.append(canonicalQuery).append('\n');
        for (String name : headerNames) {
            List<String> values = req.header().apply(name);
            if (values == null) {
                throw new S3Exception(403, "SignatureDoesNotMatch",
                        "signed header '" + name + "' is missing from the request");
            }
            canonical.append(name).append(':').append(values.stream().map(RequestAuthenticator::trimAll)
                    .collect(Collectors.joining(","))).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String scope = cred.date + "/" + cred.region + "/" + cred.service + "/aws4_request";
        String stringToSign = SigV4.ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + SigV4.sha256Hex(canonical.toString());
        byte[] key = SigV4.signingKey(account.secretKey(), cred.date, cred.region, cred.service);
        String expected = SigV4.signature(key, stringToSign);
        if (!java.security.MessageDigest.isEqual(expected.getBytes(), signature.getBytes())) {
            throw new S3Exception(403, "SignatureDoesNotMatch", "The request signature we calculated does not "
                    + "match the signature you provided. Check your key and signing method.");
        }
        return new AuthContext(account, key, amzDate, scope, signature, payloadHash);
    }

    private record Credential(String accessKey, String date, String region, String service) {
    }

    private static Credential parseCredential(String credential, String amzDate) {
        String[] c = credential.split("/");
        if (c.length != 5 || !"aws4_request".equals(c[4])) {
            throw malformedHeader("Credential must be <access key>/<date>/<region>/<service>/aws4_request, got '"
                    + credential + "'");
        }
        if (!amzDate.startsWith(c[1])) {
            throw malformedHeader("the credential date " + c[1] + " does not match the request date " + amzDate);
        }
        if (!"s3".equals(c[3])) {
            throw malformedHeader("the credential service must be s3, got " + c[3]);
        }
        return new Credential(c[0], c[1], c[2], c[3]);
    }

    /** The SigV4 canonical query string: names and values decoded, re-encoded, sorted. */
    static String canonicalQuery(String rawQuery, String excluded) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = SigV4.percentDecode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : SigV4.percentDecode(part.substring(eq + 1));
            if (name.equals(excluded)) {
                continue;
            }
            pairs.add(new String[] {SigV4.uriEncode(name), SigV4.uriEncode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        return pairs.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
    }

    /** Decoded query parameters (first value wins). */
    static Map<String, String> rawQueryParams(String rawQuery) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = SigV4.percentDecode(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? "" : SigV4.percentDecode(part.substring(eq + 1));
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String trimAll(String value) {
        return value.trim().replaceAll(" +", " ");
    }

    private static Instant parseAmzDate(String amzDate) {
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new S3Exception(403, "AccessDenied",
                    "X-Amz-Date must be yyyyMMdd'T'HHmmss'Z', got '" + amzDate + "'");
        }
    }

    private static String toAmzDate(String httpDate) {
        try {
            Instant t = java.time.ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return AMZ_DATE.format(t.atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new S3Exception(403, "AccessDenied", "the Date header is not an RFC 1123 date: " + httpDate);
        }
    }

    private static String require(Map<String, String> parts, String name) {
        String v = parts.get(name);
        if (v == null || v.isEmpty()) {
            throw malformedHeader("missing " + name);
        }
        return v;
    }

    private static String requireQuery(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "presigned request without " + name);
        }
        return v;
    }

    private static S3Exception malformedHeader(String why) {
        return new S3Exception(400, "AuthorizationHeaderMalformed", "The authorization header is malformed: "
                + why);
    }

    private static String firstWord(String s) {
        int sp = s.indexOf(' ');
        return (sp < 0 ? s : s.substring(0, sp)).toLowerCase(Locale.ROOT).length() > 40 ? "?" : s.split(" ")[0];
    }
}
