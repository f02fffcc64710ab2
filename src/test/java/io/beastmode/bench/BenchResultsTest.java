package io.beastmode.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchResultsTest {
  @Test
  void aTableHasItsHeaderARuleAndOneLinePerRow() {
    assertThat(
            BenchResults.table(
                List.of("load", "errors"), List.of(List.of("answered", 0), List.of("cached", 2))))
        .isEqualTo("| load | errors |\n| --- | --- |\n| answered | 0 |\n| cached | 2 |\n");
  }

  @Test
  void theFiguresGoToJsonAndTheSummaryBesideThem(@TempDir Path dir) throws Exception {
    BenchResults.write(
        dir.resolve("results").resolve("router"), Map.of("p99_ms", 12), "# router\n");
    assertThat(Files.readString(dir.resolve("results/router.json")))
        .isEqualTo("{\n  \"p99_ms\" : 12\n}\n");
    assertThat(Files.readString(dir.resolve("results/router.md"))).isEqualTo("# router\n");
  }
}
