package io.beastmode.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs in crds/ and in the Helm chart are generated from the Java model; this fails when they
 * drift. Run with {@code -Dcrds.update=true} (make crds) to rewrite them.
 */
class CrdDriftTest {
  static final Path COMMITTED = Path.of("crds");
  static final Path CHART = Path.of("helm", "beast-mode", "crds");
  static final Path GENERATED = Path.of("target", "generated-crds");

  /** kubectl shows columns in CRD order; the generator sorts them by name. */
  static HasMetadata readyFirstAgeLast(HasMetadata crd) {
    for (var version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
      var columns = new ArrayList<>(version.getAdditionalPrinterColumns());
      columns.sort(Comparator.comparingInt(CrdDriftTest::columnRank));
      version.setAdditionalPrinterColumns(columns);
    }
    return crd;
  }

  private static int columnRank(CustomResourceColumnDefinition column) {
    return switch (column.getName()) {
      case "Ready" -> 0;
      case "Age" -> 2;
      default -> 1;
    };
  }

  @Test
  void committedCrdsMatchTheJavaModel() throws IOException {
    Files.createDirectories(GENERATED);
    new CRDGenerator()
        .inOutputDir(GENERATED.toFile())
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(
            new CRDPostProcessor() {
              @Override
              public HasMetadata process(HasMetadata crd, String crdVersion) {
                return readyFirstAgeLast(crd);
              }
            })
        .customResourceClasses(
            Region.class,
            ModelPool.class,
            LLMRouter.class,
            ServiceLevelObjective.class,
            BackupPolicy.class,
            RestoreRequest.class,
            ApiKey.class)
        .generate();
    List<Path> generated;
    try (Stream<Path> files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertThat(generated).hasSize(7);
    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(COMMITTED);
      Files.createDirectories(CHART);
      for (Path file : generated) {
        Files.copy(
            file, COMMITTED.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(file, CHART.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (Path file : generated) {
      for (Path dir : List.of(COMMITTED, CHART)) {
        Path committed = dir.resolve(file.getFileName());
        assertThat(committed).as("%s is committed; run make crds", committed).exists();
        assertThat(Files.readString(committed))
            .as("%s differs from what the Java model generates; run make crds", committed)
            .isEqualTo(Files.readString(file));
      }
    }
  }
}
