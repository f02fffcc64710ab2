package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the node tier reads sysctls and undoes its iptables changes (on text, not this host's
 * tables).
 */
class NodeHostStateTest {
  private static final List<String> BEFORE =
      List.of(":INPUT ACCEPT", ":OUTPUT ACCEPT", ":THEIRS -", "-A INPUT -j THEIRS");

  @Test
  void rulesAddedToChainsThatExistedAreDeletedThenNewChainsFlushedAndDeleted() {
    List<String> now =
        List.of(
            ":INPUT ACCEPT",
            ":OUTPUT ACCEPT",
            ":THEIRS -",
            ":KUBE-FIREWALL -",
            ":CNI-HOSTPORT-DNAT -",
            "-A INPUT -j THEIRS",
            "-A INPUT -j KUBE-FIREWALL",
            "-A OUTPUT -m comment --comment \"a \\\"quoted\\\" name\" -j CNI-HOSTPORT-DNAT",
            "-A KUBE-FIREWALL -d 127.0.0.0/8 -j DROP",
            "-A CNI-HOSTPORT-DNAT -j KUBE-FIREWALL");

    assertThat(NodeHostState.undoScript("filter", BEFORE, now))
        .isEqualTo(
            """
            *filter
            -D INPUT -j KUBE-FIREWALL
            -D OUTPUT -m comment --comment "a \\"quoted\\" name" -j CNI-HOSTPORT-DNAT
            -F CNI-HOSTPORT-DNAT
            -F KUBE-FIREWALL
            -X CNI-HOSTPORT-DNAT
            -X KUBE-FIREWALL
            COMMIT
            """);
  }

  @Test
  void chainsAndRulesOthersAddedMeanwhileStay() {
    List<String> now =
        List.of(
            ":INPUT ACCEPT",
            ":OUTPUT ACCEPT",
            ":THEIRS -",
            ":OTHERS-NEW -",
            "-A INPUT -j THEIRS",
            "-A INPUT -j OTHERS-NEW",
            "-A OUTPUT -d 10.1.0.0/16 -j ACCEPT",
            "-A OTHERS-NEW -j DROP");

    assertThat(NodeHostState.undoScript("filter", BEFORE, now)).isEmpty();
  }

  /** A sysctl read at an offset past 0 ends the file: "10" must not come back as "1". */
  @Test
  void sysctlsAreReadWhole() {
    String pidMax = HostCommand.output(List.of("cat", "/proc/sys/kernel/pid_max")).trim();
    assertThat(pidMax).hasSizeGreaterThan(1);
    assertThat(HostSnapshot.readSysctl("kernel.pid_max")).isEqualTo(pidMax);
  }

  @Test
  void aTableAsItWasNeedsNoScript() {
    assertThat(NodeHostState.undoScript("nat", BEFORE, BEFORE)).isEmpty();
  }
}
