package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An S3-compatible bucket snapshots are written to (AWS S3, MinIO, Ceph RGW and the like). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3Target {

  @Required
  @Size(max = 2048)
  @Pattern("^https?://[^\\s/?#@]+/?$")
  @JsonPropertyDescription(
      "URL of the S3 API, http or https with host and optional port and nothing else,"
          + " for example https://s3.eu-west-1.amazonaws.com or http://minio.storage:9000.")
  public String endpoint;

  @Required
  @Size(min = 3, max = 63)
  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  @ValidationRule(
      value = "!self.contains('..') && !self.matches('^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$')",
      message = "a bucket name has no two dots in a row and is not an IP address")
  @JsonPropertyDescription(
      "Name of the bucket: 3 to 63 lowercase letters, digits, dots and hyphens, starting and"
          + " ending with a letter or digit. The operator does not create it.")
  public String bucket;

  @Size(max = 512)
  @Pattern("^[^/\\s]\\S*$")
  @JsonPropertyDescription(
      "Key prefix within the bucket, without a leading slash, for example clusters/hub-1;"
          + " snapshots are stored as <prefix>/<snapshot>.snapshot. Absent: the bucket's root.")
  public String prefix;

  @Default("us-east-1")
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Region the requests are signed for; S3-compatible stores usually accept us-east-1.")
  public String region = "us-east-1";

  @Default("true")
  @JsonPropertyDescription(
      "Address the bucket in the path (endpoint/bucket/key) rather than as a host name"
          + " (bucket.endpoint/key). MinIO, Ceph RGW and most S3-compatible stores need true.")
  public boolean forcePathStyle = true;

  @Required
  @JsonPropertyDescription(
      "A Secret in the namespace of the object naming this target, with the keys accessKeyId"
          + " and secretAccessKey.")
  public NamedReference credentialsSecretRef;
}
