package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each router pod publishes its heartbeat under its own name, which kubelet gives it as HOSTNAME;
 * were the name left unexpanded, every pod of a region would share one key and the operator would
 * count one live router however many run.
 */
class RouterPodNameTest {

  @Test
  void thePodNameIsTheHostNameKubeletSets() throws Exception {
    URL properties = getClass().getClassLoader().getResource("application.properties");
    var config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .withSources(new PropertiesConfigSource(properties))
            .withSources(new EnvConfigSource(Map.of("HOSTNAME", "assistant-7d9f-x2x4q"), 300))
            .build();

    assertThat(config.getValue("beastmode.router.pod", String.class))
        .isEqualTo("assistant-7d9f-x2x4q");
  }
}
