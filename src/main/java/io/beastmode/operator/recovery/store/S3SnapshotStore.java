package io.beastmode.operator.recovery.store;

import io.beastmode.api.v1alpha1.S3Target;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Snapshots in a bucket of an S3-compatible object store (AWS S3, MinIO, Ceph RGW, moto). Each
 * snapshot is one object, {@code <prefix>/<name>.snapshot}, written by a single PUT: S3 makes an
 * object visible only once all of it is stored, so {@link #list} and {@link #get} never see part of
 * one. The owning cluster's identity is the object {@code <prefix>/OWNER}.
 *
 * <p>Calls time out after a few seconds and are tried at most twice, so an unreachable store makes
 * a backup fail quickly rather than hold a reconcile. The secret access key is kept by the SDK's
 * credentials provider only; it is in no message, no {@link #toString} and no log line of this
 * class.
 */
public final class S3SnapshotStore implements SnapshotStore {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  static final int MAX_ATTEMPTS = 2;

  static final String SUFFIX = ".snapshot";
  static final String OWNER = "OWNER";
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

  /** Newest first: by the time in the name, then by name; names without a time come last. */
  static final Comparator<Stored> NEWEST_FIRST =
      Comparator.comparing(
              (Stored s) -> SnapshotNames.takenAt(s.name()),
              Comparator.comparing(
                  (Optional<Instant> t) -> t.orElse(Instant.MIN), Comparator.reverseOrder()))
          .thenComparing(Stored::name, Comparator.reverseOrder());

  private final String endpoint;
  private final String bucket;
  private final String keyPrefix;
  private final String region;
  private final String secretAccessKey;
  private final int pageSize;
  private final S3Client client;

  /**
   * @param endpoint URL of the S3 API, http or https
   * @param bucket an existing bucket
   * @param prefix key prefix without leading slash; null or empty for the bucket's root
   * @param region the region requests are signed for
   * @param forcePathStyle address the bucket in the path (MinIO, Ceph RGW, moto) rather than as a
   *     host name
   * @param accessKeyId from the target's Secret
   * @param secretAccessKey from the target's Secret
   */
  public S3SnapshotStore(
      String endpoint,
      String bucket,
      String prefix,
      String region,
      boolean forcePathStyle,
      String accessKeyId,
      String secretAccessKey) {
    this(
        endpoint,
        bucket,
        prefix,
        region,
        forcePathStyle,
        accessKeyId,
        secretAccessKey,
        1000); // the most ListObjectsV2 returns at once
  }

  public S3SnapshotStore(
      String endpoint,
      String bucket,
      String prefix,
      String region,
      boolean forcePathStyle,
      String accessKeyId,
      String secretAccessKey,
      int pageSize) {
    URI uri = URI.create(stripTrailingSlashes(Objects.requireNonNull(endpoint, "endpoint")));
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "S3 endpoint must be an http or https URL without user info: " + endpoint);
    }
    if (accessKeyId == null
        || accessKeyId.isBlank()
        || secretAccessKey == null
        || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException(
          "S3 credentials need an accessKeyId and a secretAccessKey");
    }
    this.endpoint = uri.toString();
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    String trimmed = prefix == null ? "" : stripTrailingSlashes(prefix.replaceFirst("^/+", ""));
    this.keyPrefix = trimmed.isEmpty() ? "" : trimmed + "/";
    this.region = region == null || region.isBlank() ? "us-east-1" : region;
    this.secretAccessKey = secretAccessKey;
    this.pageSize = pageSize;
    this.client =
        S3Client.builder()
            .endpointOverride(uri)
            .region(Region.of(this.region))
            .forcePathStyle(forcePathStyle)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(READ_TIMEOUT))
            // Checksums only where S3 demands them: many S3-compatible stores reject the SDK's
            // trailing checksums. put() sends Content-MD5, which every store checks.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(CALL_TIMEOUT)
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS)
                                .build()))
            .build();
  }

  /** A store for an {@code s3} target, with the credentials read from its Secret. */
  public static S3SnapshotStore of(S3Target target, String accessKeyId, String secretAccessKey) {
    return new S3SnapshotStore(
        target.endpoint,
        target.bucket,
        target.prefix,
        target.region,
        target.forcePathStyle,
        accessKeyId,
        secretAccessKey);
  }

  @Override
  public void put(String name, byte[] sealed) throws Unavailable {
    String key = keyOf(name);
    try {
      client.putObject(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .contentType("application/octet-stream")
                  .contentLength((long) sealed.length)
                  .contentMD5(md5(sealed)),
          RequestBody.fromBytes(sealed));
    } catch (SdkException e) {
      throw unavailable("writing snapshot " + name, e);
    }
  }

  @Override
  public byte[] get(String name) throws Unavailable, Missing {
    String key = keyOf(name);
    try {
      return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        throw new Missing("snapshot " + name + " is not in " + where());
      }
      throw unavailable("reading snapshot " + name, e);
    } catch (SdkException e) {
      throw unavailable("reading snapshot " + name, e);
    }
  }

  @Override
  public List<Stored> list() throws Unavailable {
    var request =
        ListObjectsV2Request.builder()
            .bucket(bucket)
            .prefix(keyPrefix.isEmpty() ? null : keyPrefix)
            .delimiter("/")
            .maxKeys(pageSize)
            .build();
    List<Stored> stored = new ArrayList<>();
    try {
      for (S3Object object : client.listObjectsV2Paginator(request).contents()) {
        String rest = object.key().substring(keyPrefix.length());
        if (rest.endsWith(SUFFIX)) {
          String name = rest.substring(0, rest.length() - SUFFIX.length());
          if (NAME.matcher(name).matches()) {
            stored.add(new Stored(name, object.size() == null ? 0 : object.size()));
          }
        }
      }
    } catch (SdkException e) {
      throw unavailable("listing snapshots", e);
    }
    stored.sort(NEWEST_FIRST);
    return stored;
  }

  @Override
  public void delete(String name) throws Unavailable {
    String key = keyOf(name);
    try {
      // S3 answers 204 for a key that is not there too.
      client.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw unavailable("deleting snapshot " + name, e);
    }
  }

  @Override
  public String owner() throws Unavailable {
    try {
      String owner =
          client
              .getObjectAsBytes(b -> b.bucket(bucket).key(keyPrefix + OWNER))
              .asString(StandardCharsets.UTF_8)
              .strip();
      return owner.isEmpty() ? null : owner;
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        return null;
      }
      throw unavailable("reading the owner", e);
    } catch (SdkException e) {
      throw unavailable("reading the owner", e);
    }
  }

  @Override
  public void claim(String clusterId) throws Unavailable {
    if (clusterId == null || clusterId.isBlank()) {
      throw new IllegalArgumentException("a store is claimed by a cluster id");
    }
    byte[] body = clusterId.strip().getBytes(StandardCharsets.UTF_8);
    try {
      client.putObject(
          b ->
              b.bucket(bucket)
                  .key(keyPrefix + OWNER)
                  .contentType("text/plain; charset=utf-8")
                  .contentMD5(md5(body)),
          RequestBody.fromBytes(body));
    } catch (SdkException e) {
      throw unavailable("claiming the store for " + clusterId, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** Where the store is, without credentials. */
  @Override
  public String toString() {
    return "S3SnapshotStore[" + where() + ", region " + region + "]";
  }

  private String where() {
    return "s3://" + bucket + "/" + keyPrefix + " at " + endpoint;
  }

  private String keyOf(String name) {
    if (name == null || name.length() > 253 || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a snapshot name: " + name);
    }
    return keyPrefix + name + SUFFIX;
  }

  /** A key that is not there, as opposed to a bucket that is not (which is a broken target). */
  private static boolean isMissingKey(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return "NoSuchKey".equals(code) || (e.statusCode() == 404 && !"NoSuchBucket".equals(code));
  }

  private Unavailable unavailable(String doing, SdkException e) {
    String why;
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      String answer = "HTTP " + s3.statusCode() + (code == null ? "" : " " + code);
      if (s3.statusCode() == 403 || s3.statusCode() == 401) {
        why =
            "refused with "
                + answer
                + ": check the accessKeyId and secretAccessKey in the target's Secret and that"
                + " they allow s3:PutObject, s3:GetObject, s3:DeleteObject and s3:ListBucket";
      } else if ("NoSuchBucket".equals(code)) {
        why = "the bucket does not exist (the operator does not create it)";
      } else if (s3.statusCode() >= 500) {
        why = "the store failed with " + answer;
      } else {
        String detail = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
        why = "the store answered " + answer + (detail == null ? "" : ": " + detail);
      }
    } else if (e instanceof ApiCallTimeoutException) {
      why = "no answer within " + CALL_TIMEOUT.toSeconds() + "s";
    } else {
      why = "cannot reach the store: " + rootMessage(e);
    }
    return new Unavailable(redact(doing + " in " + where() + " failed: " + why), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root == e || message == null
        ? String.valueOf(e.getMessage())
        : e.getMessage() + " (" + root.getClass().getSimpleName() + ": " + message + ")";
  }

  /** A message never carries the secret, whatever a lower layer put in it. */
  private String redact(String message) {
    return message.replace(secretAccessKey, "<secretAccessKey>");
  }

  private static String md5(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  private static String stripTrailingSlashes(String s) {
    return s.replaceFirst("/+$", "");
  }
}
