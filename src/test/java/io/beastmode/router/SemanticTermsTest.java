package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.SemanticCacheSpec;
import io.beastmode.wire.AccessConfig;
import org.junit.jupiter.api.Test;

/** A key narrows the router's semantic cache and never widens it. */
class SemanticTermsTest {
  private static SemanticCacheSpec router(double bound, boolean shadow) {
    var spec = new SemanticCacheSpec();
    spec.maxWrongRate = bound;
    spec.shadow = shadow;
    return spec;
  }

  @Test
  void aKeyMayLowerTheBoundButNotRaiseIt() {
    assertThat(SemanticStep.Terms.of(router(0.01, false), new AccessConfig.Cache(0.001, null)))
        .isEqualTo(new SemanticStep.Terms(0.001, false));
    assertThat(SemanticStep.Terms.of(router(0.01, false), new AccessConfig.Cache(0.05, null)))
        .isEqualTo(new SemanticStep.Terms(0.01, false));
  }

  @Test
  void aKeyMayAskForShadowModeButNotLeaveIt() {
    assertThat(SemanticStep.Terms.of(router(0.01, false), new AccessConfig.Cache(null, true)))
        .isEqualTo(new SemanticStep.Terms(0.01, true));
    assertThat(SemanticStep.Terms.of(router(0.01, true), new AccessConfig.Cache(null, false)))
        .isEqualTo(new SemanticStep.Terms(0.01, true));
    assertThat(SemanticStep.Terms.of(router(0.02, true), null))
        .isEqualTo(new SemanticStep.Terms(0.02, true));
  }
}
