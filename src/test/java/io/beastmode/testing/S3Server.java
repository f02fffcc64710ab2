package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real S3-compatible server: moto's server ({@code moto_server}, installed by {@code make tools}
 * into {@code ~/.kubeapitest/tools/moto}) as a process on a free loopback port, keeping everything
 * in memory. It speaks the S3 REST API with SigV4, path-style addressing, and IAM: while it accepts
 * any credentials (as it does from the start), {@link #createUser} makes a user with a policy, and
 * after {@link #requireSignedRequests} only that user's keys are accepted, each call checked
 * against its policy. Closing it stops the process and removes its log.
 */
public final class S3Server implements AutoCloseable {
  /** The access key and secret of a user of the server. */
  public record Credentials(String accessKeyId, String secretAccessKey) {
    @Override
    public String toString() {
      return "Credentials[" + accessKeyId + "]";
    }
  }

  private static final Path BINARY =
      Path.of(
          System.getProperty(
              "beastmode.moto",
              Path.of(
                      System.getProperty("user.home"),
                      ".kubeapitest",
                      "tools",
                      "moto",
                      "bin",
                      "moto_server")
                  .toString()));

  private final int port;
  private final Path dir;
  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private S3Server(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  public static S3Server start() {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY
              + " is missing: run make tools, which installs moto's S3 server into a virtualenv");
    }
    Path dir;
    Process process;
    int port = Ports.free();
    try {
      dir = Files.createTempDirectory("beastmode-s3");
      process =
          new ProcessBuilder(BINARY.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
              .redirectOutput(dir.resolve("moto.log").toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
    S3Server server = new S3Server(port, dir, process);
    // A test that fails before it closes the server does not leave it running.
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!server.answering()) {
      if (Instant.now().isAfter(deadline) || !process.isAlive()) {
        String log = server.log();
        server.close();
        throw new IllegalStateException("moto_server did not start on port " + port + ":\n" + log);
      }
      sleep(100);
    }
    return server;
  }

  public int port() {
    return port;
  }

  /** The URL S3 clients are pointed at (path-style addressing). */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Creates a bucket; while requests need no signature, any key pair will do. */
  public void createBucket(String bucket) {
    try (var client =
        software.amazon.awssdk.services.s3.S3Client.builder()
            .endpointOverride(java.net.URI.create(endpoint()))
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "AKIACREATEBUCKET0001", "any")))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      client.createBucket(b -> b.bucket(bucket));
    }
  }

  /**
   * Creates an IAM user with {@code policy} (an IAM policy document, JSON) as its only permissions
   * and returns a new access key for it. Call it before {@link #requireSignedRequests}.
   */
  public Credentials createUser(String name, String policy) {
    iam(Map.of("Action", "CreateUser", "UserName", name));
    iam(
        Map.of(
            "Action",
            "PutUserPolicy",
            "UserName",
            name,
            "PolicyName",
            name + "-policy",
            "PolicyDocument",
            policy));
    String answer = iam(Map.of("Action", "CreateAccessKey", "UserName", name));
    return new Credentials(element(answer, "AccessKeyId"), element(answer, "SecretAccessKey"));
  }

  /**
   * From now on every request must be signed with the keys of a user {@link #createUser} made, and
   * is checked against that user's policy: a wrong secret is refused with 403
   * SignatureDoesNotMatch, an action the policy lacks with 403 AccessDenied.
   */
  public void requireSignedRequests() {
    post("/moto-api/reset-auth", "0", Map.of());
  }

  /** What the server printed, for a failed test's message. */
  public String log() {
    try {
      return Files.readString(dir.resolve("moto.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TempFiles.delete(dir);
  }

  /**
   * One IAM query-API call. While requests need no signature, moto routes a request by the service
   * named in its Authorization header's credential scope, so the header names IAM and signs
   * nothing.
   */
  private String iam(Map<String, String> params) {
    Map<String, String> form = new LinkedHashMap<>(params);
    form.put("Version", "2010-05-08");
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return post(
        "/",
        body,
        Map.of(
            "Content-Type",
            "application/x-www-form-urlencoded",
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request,"
                + " SignedHeaders=host, Signature=unsigned"));
  }

  private String post(String path, String body, Map<String, String> headers) {
    var request =
        HttpRequest.newBuilder(URI.create(endpoint() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto answered " + response.statusCode() + " to " + path + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + xml);
    }
    return m.group(1);
  }

  private boolean answering() {
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
