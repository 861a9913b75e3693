package io.backbeat.connect.ops.http;

import io.backbeat.connect.ops.Json;
import io.backbeat.connect.ops.OpsException;
import io.backbeat.connect.ops.failed.FailedCrrService;
import io.backbeat.connect.ops.health.HealthcheckService;
import io.backbeat.connect.ops.metrics.CrrMetricsService;
import io.backbeat.connect.ops.pause.PauseResumeService;
import io.backbeat.connect.ops.sites.SiteConnectors;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Backbeat's operations routes under {@code /_} on the Connect REST port. Thin: each route validates its
 * path, calls a service and writes JSON; refusals are {@code {"code", "message"}} with a 4xx status, and a
 * store that cannot be reached is a 503 naming it.
 */
@Path("/_")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {

    private static final Logger log = LoggerFactory.getLogger(OpsResource.class);

    private final FailedCrrService failed;
    private final CrrMetricsService metrics;
    private final PauseResumeService pauseResume;
    private final HealthcheckService health;

    public OpsResource(FailedCrrService failed, CrrMetricsService metrics, PauseResumeService pauseResume,
                       HealthcheckService health) {
        this.failed = failed;
        this.metrics = metrics;
        this.pauseResume = pauseResume;
        this.health = health;
    }

    @GET
    @Path("healthcheck")
    public Response healthcheck() {
        return handle(() -> {
            HealthcheckService.Report report = health.check();
            return Response.status(report.healthy() ? 200 : 503).entity(Json.write(report.body())).build();
        });
    }

    // ---- failed entries

    @GET
    @Path("crr/failed")
    public Response listFailed(@QueryParam("sitename") String sitename, @QueryParam("marker") String marker,
                               @QueryParam("maxKeys") String maxKeys) {
        return handle(() -> ok(failed.list(sitename, marker, maxKeys)));
    }

    @GET
    @Path("crr/failed/{bucket}/{key: .+}")
    public Response getFailed(@PathParam("bucket") String bucket, @PathParam("key") String key,
                              @QueryParam("versionId") String versionId) {
        return handle(() -> ok(failed.get(bucket, key, versionId)));
    }

    @POST
    @Path("crr/failed")
    public Response retryFailed(String body) {
        return handle(() -> ok(failed.retry(body)));
    }

    // ---- metrics

    @GET
    @Path("metrics/crr/{site}")
    public Response allMetrics(@PathParam("site") String site) {
        return handle(() -> ok(metrics.metric(site, "all")));
    }

    @GET
    @Path("metrics/crr/{site}/{type}")
    public Response metric(@PathParam("site") String site, @PathParam("type") String type) {
        return handle(() -> ok(metrics.metric(site, type)));
    }

    @GET
    @Path("metrics/crr/{site}/progress/{bucket}/{key: .+}")
    public Response progress(@PathParam("site") String site, @PathParam("bucket") String bucket,
                             @PathParam("key") String key, @QueryParam("versionId") String versionId) {
        return handle(() -> ok(metrics.progress(site, bucket, key, versionId)));
    }

    @GET
    @Path("metrics/crr/{site}/throughput/{bucket}/{key: .+}")
    public Response objectThroughput(@PathParam("site") String site, @PathParam("bucket") String bucket,
                                     @PathParam("key") String key, @QueryParam("versionId") String versionId) {
        return handle(() -> ok(metrics.objectThroughput(site, bucket, key, versionId)));
    }

    // ---- pause / resume

    @POST
    @Path("crr/pause")
    public Response pauseAll(@Context UriInfo uri, @HeaderParam("Authorization") String auth) {
        return pause(SiteConnectors.ALL, uri, auth);
    }

    @POST
    @Path("crr/pause/{site}")
    public Response pause(@PathParam("site") String site, @Context UriInfo uri,
                          @HeaderParam("Authorization") String auth) {
        return handle(() -> {
            pauseResume.pause(site, caller(uri, auth));
            return ok(Map.of());
        });
    }

    @POST
    @Path("crr/resume")
    public Response resumeAll(@Context UriInfo uri, @HeaderParam("Authorization") String auth) {
        return resume(SiteConnectors.ALL, uri, auth);
    }

    @POST
    @Path("crr/resume/{site}")
    public Response resume(@PathParam("site") String site, @Context UriInfo uri,
                           @HeaderParam("Authorization") String auth) {
        return handle(() -> {
            pauseResume.resume(site, caller(uri, auth));
            return ok(Map.of());
        });
    }

    @POST
    @Path("crr/resume/{site}/schedule")
    public Response scheduleResume(@PathParam("site") String site, String body) {
        return handle(() -> {
            pauseResume.scheduleResume(site, body);
            return ok(Map.of());
        });
    }

    @GET
    @Path("crr/resume/{site}")
    public Response resumeSchedule(@PathParam("site") String site) {
        return handle(() -> ok(pauseResume.resumeSchedule(site)));
    }

    @DELETE
    @Path("crr/resume/{site}")
    public Response cancelResume(@PathParam("site") String site) {
        return handle(() -> {
            pauseResume.cancelScheduledResume(site);
            return ok(Map.of());
        });
    }

    @DELETE
    @Path("crr/resume/{site}/schedule")
    public Response cancelResumeSchedule(@PathParam("site") String site) {
        return cancelResume(site);
    }

    @GET
    @Path("crr/status")
    public Response statusAll() {
        return status(SiteConnectors.ALL);
    }

    @GET
    @Path("crr/status/{site}")
    public Response status(@PathParam("site") String site) {
        return handle(() -> ok(pauseResume.status(site)));
    }

    // ----

    private static PauseResumeService.Caller caller(UriInfo uri, String auth) {
        return new PauseResumeService.Caller(uri.getBaseUri(), Optional.ofNullable(auth).filter(a -> !a.isBlank()));
    }

    private static Response ok(Object body) {
        return Response.ok(Json.write(body)).build();
    }

    static Response handle(Supplier<Response> route) {
        try {
            return route.get();
        } catch (OpsException e) {
            if (e.status() >= 500) {
                log.warn("Ops API: {} {}", e.code(), e.getMessage(), e.getCause());
            }
            return error(e.status(), e.code(), e.getMessage());
        } catch (JedisException e) {
            log.warn("Ops API: Redis failed", e);
            return error(503, "ServiceUnavailable", "Redis cannot be reached or failed: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("Ops API: unexpected failure", e);
            return error(500, "InternalError", e.toString());
        }
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.write(Map.of("code", code, "message", message == null ? code : message))).build();
    }
}
