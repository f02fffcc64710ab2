package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A node region's certificates, made with openssl: a CA, the API server's and metrics-server's
 * serving certificates, one admin client certificate (system:masters) every component uses, the
 * service account key, and a CA of its own for the front proxy (the aggregation layer's client
 * certificate, whose requests carry the caller's identity in headers).
 */
record NodePki(Path dir) {
  /** The common name of the API server's client certificate towards aggregated APIs. */
  static final String FRONT_PROXY_CLIENT = "front-proxy-client";

  static NodePki create(Path dir, String nodeIp) {
    var pki = new NodePki(dir);
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("apiserver.ext"),
          "subjectAltName=IP:127.0.0.1,IP:%s,IP:%s,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n"
              .formatted(nodeIp, NodeRegion.API_SERVICE_IP));
      Files.writeString(dir.resolve("admin.ext"), "extendedKeyUsage=clientAuth\n");
      Files.writeString(dir.resolve("front-proxy-client.ext"), "extendedKeyUsage=clientAuth\n");
      // The API server checks the name it dials through the Service, not the endpoint's IP.
      Files.writeString(
          dir.resolve("metrics-server.ext"),
          "subjectAltName=DNS:%1$s.%2$s.svc,IP:%3$s\nextendedKeyUsage=serverAuth\n"
              .formatted(MetricsServer.SERVICE, MetricsServer.NAMESPACE, nodeIp));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pki.authority("ca", "/CN=beastmode-node-ca");
    pki.authority("front-proxy-ca", "/CN=beastmode-node-front-proxy-ca");
    pki.signed("apiserver", "/CN=kube-apiserver", "ca");
    pki.signed("admin", "/O=system:masters/CN=beastmode-admin", "ca");
    pki.signed("metrics-server", "/CN=metrics-server", "ca");
    pki.signed("front-proxy-client", "/CN=" + FRONT_PROXY_CLIENT, "front-proxy-ca");
    pki.openssl("genrsa", "-out", "sa.key", "2048");
    return pki;
  }

  private void authority(String name, String subject) {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "7",
        "-subj",
        subject,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
  }

  private void signed(String name, String subject, String authority) {
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        subject,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    openssl(
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        authority + ".crt",
        "-CAkey",
        authority + ".key",
        "-CAcreateserial",
        "-days",
        "7",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".crt");
  }

  private void openssl(String... args) {
    var command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    // openssl writes relative to the working directory: run it in the PKI directory.
    var shell = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
    shell.addAll(command);
    var result = HostCommand.run(shell, null);
    if (result.exit() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + ": " + result.output());
    }
  }

  String file(String name) {
    return dir.resolve(name).toString();
  }

  String kubeconfig(String server) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: node-region
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: node-region
          context: {cluster: node-region, user: admin}
        current-context: node-region
        """
        .formatted(server, base64("ca.crt"), base64("admin.crt"), base64("admin.key"));
  }

  String base64(String name) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
