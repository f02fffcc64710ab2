package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyTest {
  static SimulatedModel model(long latencyMs, long latencyP99Ms) {
    return new SimulatedModel("m", null, latencyMs, latencyP99Ms, 0, 0, 500, Outage.none);
  }

  @Test
  void withoutAP99TheLatencyIsFixed() {
    assertThat(Latency.sampleMs(model(40, 0), 3.0)).isEqualTo(40);
    assertThat(Latency.sampleMs(model(40, 0), -3.0)).isEqualTo(40);
  }

  @Test
  void lognormalSamplesHaveTheConfiguredMedianAndP99() {
    var model = model(100, 800);
    var random = new Random(42);
    long[] samples = new long[20_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = Latency.sampleMs(model, random.nextGaussian());
    }
    Arrays.sort(samples);

    assertThat(samples[samples.length / 2]).isCloseTo(100, within(5L));
    assertThat(samples[samples.length * 99 / 100]).isCloseTo(800, within(60L));
    assertThat(samples[0]).isPositive();
  }
}
