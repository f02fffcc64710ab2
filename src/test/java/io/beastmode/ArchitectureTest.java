package io.beastmode;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the main code, lowest first: api, wire (what the roles exchange), the two roles
 * router and simulator (with the root package: Role, RoleDefaults), and the operator on top. Each
 * rule lists what a layer may depend on among our packages; anything else of ours is an upward or
 * sideways import and fails.
 */
class ArchitectureTest {

  private static final String OURS = "io.beastmode..";
  private static final String ROOT = "io.beastmode";
  private static final String API = "io.beastmode.api..";
  private static final String WIRE = "io.beastmode.wire..";
  private static final String ROUTER = "io.beastmode.router..";
  private static final String SIMULATOR = "io.beastmode.simulator..";
  private static final String OPERATOR = "io.beastmode.operator..";

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  /**
   * Classes in {@code layer} depend on nothing of ours outside {@code layer} and {@code allowed}.
   */
  private static ArchRule mayOnlyUse(String layer, String... allowed) {
    String[] own = new String[allowed.length + 1];
    own[0] = layer;
    System.arraycopy(allowed, 0, own, 1, allowed.length);
    return classes()
        .that()
        .resideInAPackage(layer)
        .should()
        .onlyDependOnClassesThat(not(resideInAPackage(OURS)).or(resideInAnyPackage(own)));
  }

  @Test
  void theApiImportsNothingElseOfOurs() {
    mayOnlyUse(API).check(main);
  }

  @Test
  void theWireImportsOnlyTheApi() {
    mayOnlyUse(WIRE, API).check(main);
  }

  @Test
  void theRootPackageImportsNoRole() {
    mayOnlyUse(ROOT, API, WIRE).check(main);
  }

  @Test
  void theRouterImportsOnlyApiWireAndTheRootPackage() {
    mayOnlyUse(ROUTER, API, WIRE, ROOT).check(main);
  }

  @Test
  void theSimulatorImportsOnlyApiWireAndTheRootPackage() {
    mayOnlyUse(SIMULATOR, API, WIRE, ROOT).check(main);
  }

  @Test
  void theOperatorSubPackagesAreFreeOfCycles() {
    slices().matching("io.beastmode.operator.(*)..").should().beFreeOfCycles().check(main);
  }

  /**
   * The operator's backups and restores, lowest first: the snapshot format, the stores that keep
   * snapshots, restore (which applies one), backup (which takes one, and drills a restore). Each
   * uses only those below it; the hub's standby, in operator.hub, uses them from outside.
   */
  private static final String RECOVERY = "io.beastmode.operator.recovery.";

  @Test
  void theSnapshotFormatUsesNoOtherPartOfRecovery() {
    recoveryPartMayOnlyUse("snapshot");
  }

  @Test
  void theStoresUseOnlyTheSnapshotFormat() {
    recoveryPartMayOnlyUse("store", "snapshot");
  }

  @Test
  void restoreUsesOnlyTheFormatAndTheStores() {
    recoveryPartMayOnlyUse("restore", "snapshot", "store");
  }

  @Test
  void backupUsesOnlyTheFormatTheStoresAndRestore() {
    recoveryPartMayOnlyUse("backup", "snapshot", "store", "restore");
  }

  @Test
  void everyRecoveryClassIsInOneOfItsParts() {
    noClasses().should().resideInAPackage("io.beastmode.operator.recovery").check(main);
  }

  private static void recoveryPartMayOnlyUse(String part, String... lower) {
    var allowed = new java.util.ArrayList<String>();
    allowed.add(RECOVERY + part + "..");
    for (String l : lower) {
      allowed.add(RECOVERY + l + "..");
    }
    classes()
        .that()
        .resideInAPackage(RECOVERY + part + "..")
        .should()
        .onlyDependOnClassesThat(
            not(resideInAPackage("io.beastmode.operator.recovery.."))
                .or(resideInAnyPackage(allowed.toArray(String[]::new))))
        .check(main);
  }

  @Test
  void theImportFindsEveryLayer() {
    // Guards the rules above against passing vacuously (a wrong package name, an empty import).
    for (String layer :
        new String[] {
          ROOT,
          API,
          WIRE,
          ROUTER,
          SIMULATOR,
          OPERATOR,
          RECOVERY + "snapshot..",
          RECOVERY + "store..",
          RECOVERY + "restore..",
          RECOVERY + "backup.."
        }) {
      assertThat(main.stream().anyMatch(c -> resideInAPackage(layer).test(c))).as(layer).isTrue();
    }
  }
}
