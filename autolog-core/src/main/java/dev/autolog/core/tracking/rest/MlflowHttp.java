package dev.autolog.core.tracking.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.core.log.AgentLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * JSON over HTTP to an MLflow server, with MLflow's retry rules and error bodies turned into
 * {@link MlflowApiException}s. Built lazily: the OkHttp client (whose static initialisation
 * touches JUL and the security providers) is created on the first request, on the logger's
 * worker thread, never in premain. Only synchronous calls are made, so OkHttp starts no
 * dispatcher threads.
 */
final class MlflowHttp {
  private static final ObjectMapper JSON = JsonMapper.JSON;

  private final String baseUrl;
  private HttpUrl base;
  private final Credentials credentials;
  private final String caBundle;
  private final String clientCert;
  private final boolean insecure;
  private final RetryPolicy retry;
  private final long timeoutMillis;
  private volatile OkHttpClient client;

  MlflowHttp(String baseUrl, Credentials credentials, String caBundle, String clientCert, boolean insecure,
      RetryPolicy retry, long timeoutMillis) {
    // Parsed on first use: OkHttp (and the Kotlin runtime under it) loads on the worker, not in premain.
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.credentials = credentials;
    this.caBundle = caBundle;
    this.clientCert = clientCert;
    this.insecure = insecure;
    this.retry = retry;
    this.timeoutMillis = timeoutMillis;
  }

  private synchronized HttpUrl base() {
    if (base == null) {
      base = HttpUrl.get(baseUrl);
    }
    return base;
  }

  JsonNode get(String path, Map<String, String> query) throws IOException {
    HttpUrl.Builder url = base().newBuilder().addPathSegments(path);
    query.forEach(url::addQueryParameter);
    return json(execute(new Request.Builder().url(url.build()).get().build(), path));
  }

  JsonNode post(String path, Object body) throws IOException {
    return send("POST", path, body);
  }

  JsonNode patch(String path, Object body) throws IOException {
    return send("PATCH", path, body);
  }

  /** Streams {@code file} to {@code path} on the server (proxied artifacts), never loading it whole. */
  void put(String path, Path file) throws IOException {
    HttpUrl url = base().newBuilder().addPathSegments(path).build();
    RequestBody body = RequestBody.create(file.toFile(), MediaType.get("application/octet-stream"));
    execute(new Request.Builder().url(url).put(body).build(), path).close();
  }

  /** Streams {@code file} to an absolute (e.g. pre-signed) URL with extra headers and no credentials. */
  void putSigned(String signedUrl, Path file, Map<String, String> headers) throws IOException {
    Request.Builder request = new Request.Builder().url(signedUrl).put(RequestBody.create(file.toFile(), null))
        .tag(NoCredentials.class, NoCredentials.INSTANCE); // the signature is the credential

    headers.forEach(request::header);
    execute(request.build(), "signed upload").close();
  }

  private JsonNode send(String method, String path, Object body) throws IOException {
    HttpUrl url = base().newBuilder().addPathSegments(path).build();
    RequestBody payload = RequestBody.create(JSON.writeValueAsBytes(body), MediaType.get("application/json"));
    return json(execute(new Request.Builder().url(url).method(method, payload).build(), path));
  }

  private static JsonNode json(Response response) throws IOException {
    try (ResponseBody body = response.body()) {
      String text = body == null ? "" : body.string();
      return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("the MLflow server answered with something that is not JSON", e);
    }
  }

  /** Runs a request with retries; returns a successful response or throws. */
  private Response execute(Request request, String what) throws IOException {
    OkHttpClient http = client();
    IOException lastFailure = null;
    for (int attempt = 0; ; attempt++) {
      String retryAfter = null;
      try {
        Response response = http.newCall(request).execute();
        if (response.isSuccessful()) {
          return response;
        }
        int status = response.code();
        retryAfter = response.header("Retry-After");
        String body = readBody(response);
        long delay = retry.delayMillis(attempt + 1, retryAfter);
        MlflowApiException error = error(status, body, what, retryAfter == null ? 0 : delay);
        // A wait longer than the policy allows is the delivery's to schedule, not this call's.
        if (!RetryPolicy.retryable(status) || attempt >= retry.maxRetries() || delay > retry.maxDelayMillis()) {
          throw error;
        }
        lastFailure = error;
      } catch (MlflowApiException e) {
        throw e;
      } catch (javax.net.ssl.SSLHandshakeException | javax.net.ssl.SSLPeerUnverifiedException e) {
        // Retrying cannot make a certificate trusted.
        throw new IOException("the TLS certificate of " + Secrets.redact(base()) + " is not trusted ("
            + e.getMessage() + "); set tracking_server_cert_path to a PEM bundle with its CA, or, only to test,"
            + " tracking_insecure_tls=true", e);
      } catch (InterruptedIOException e) {
        // A timeout: the server stalls. Waiting through it again would only hold the worker longer.
        throw e;
      } catch (IOException e) {
        lastFailure = e;
      }
      if (attempt >= retry.maxRetries()) {
        throw lastFailure;
      }
      sleep(retry.delayMillis(attempt + 1, retryAfter));
    }
  }

  private MlflowApiException error(int status, String body, String what, long retryAfterMillis) {
    String code = null;
    String message = body;
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.has("error_code")) {
        code = node.get("error_code").asText();
        message = node.path("message").asText("");
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON: an HTML error page or plain text; keep a readable excerpt.
      message = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
    }
    // A proxy's or a debugging server's error page may echo the request's headers.
    message = credentials.redact(message);
    if (message.length() > 500) {
      message = message.substring(0, 500) + "...";
    }
    if (status == 401 || status == 403) {
      return new MlflowApiException(status, code, "the MLflow server " + Secrets.redact(base())
          + " answered " + status + (status == 401 ? " (not authenticated)" : " (permission denied)")
          + " to " + what + "; the agent sent " + credentials.describe()
          + (status == 401 ? ": check the credentials" : ": check that this user may write to the experiment"));
    }
    return new MlflowApiException(status, code,
        "the MLflow server answered " + status + (code == null ? "" : " " + code) + " to " + what + ": " + message,
        retryAfterMillis);
  }

  private static String readBody(Response response) {
    try (ResponseBody body = response.body()) {
      return body == null ? "" : body.string();
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  private synchronized OkHttpClient client() throws IOException {
    if (client == null) {
      try {
        TlsSettings tls = TlsSettings.create(caBundle, clientCert, insecure);
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
            // A stalled server costs at most one timeout before the delivery journals and moves on.
            .connectTimeout(Math.min(10_000, timeoutMillis), TimeUnit.MILLISECONDS)
            .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
            .writeTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
            .callTimeout(2 * timeoutMillis, TimeUnit.MILLISECONDS)
            .retryOnConnectionFailure(false) // retries are ours, counted and backed off
            .sslSocketFactory(tls.context.getSocketFactory(), tls.trustManager)
            .addNetworkInterceptor(new AuthInterceptor(base(), credentials));
        if (tls.insecure) {
          builder.hostnameVerifier((host, session) -> true);
        }
        client = builder.build();
      } catch (GeneralSecurityException e) {
        throw new IOException("could not set up TLS for " + Secrets.redact(base()) + ": " + e.getMessage(), e);
      }
    }
    return client;
  }

  /** Releases connections; the client holds no threads of its own beyond OkHttp's daemon pool cleaner. */
  /** Cancels the requests in progress (OkHttp's dispatcher tracks synchronous calls too). */
  void abort() {
    OkHttpClient c = client;
    if (c != null) {
      c.dispatcher().cancelAll();
    }
  }

  synchronized void close() {
    if (client != null) {
      client.connectionPool().evictAll();
    }
  }

  /**
   * Adds the Authorization header only to requests for the configured server: a network
   * interceptor sees every hop, so a redirect to another host never receives the credentials.
   */
  private static final class AuthInterceptor implements Interceptor {
    private final HttpUrl server;
    private final Credentials credentials;

    AuthInterceptor(HttpUrl server, Credentials credentials) {
      this.server = server;
      this.credentials = credentials;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      HttpUrl url = request.url();
      boolean sameServer = url.scheme().equals(server.scheme()) && url.host().equals(server.host())
          && url.port() == server.port();
      if (credentials.header() == null) {
        return chain.proceed(request);
      }
      if (request.tag(NoCredentials.class) != null) {
        return chain.proceed(request.newBuilder().removeHeader("Authorization").build());
      }
      if (!sameServer) {
        AgentLog.debug("not sending credentials to " + url.host());
        return chain.proceed(request.newBuilder().removeHeader("Authorization").build());
      }
      return chain.proceed(request.newBuilder().header("Authorization", credentials.header()).build());
    }
  }

  /** Marks a request that must carry no credentials (a pre-signed upload URL). */
  private enum NoCredentials {
    INSTANCE
  }

  /** Printing helpers that never include userinfo or query strings. */
  static final class Secrets {
    private Secrets() {}

    static String redact(HttpUrl url) {
      return url.newBuilder().username("").password("").query(null).build().toString().replaceAll("/$", "");
    }
  }
}
