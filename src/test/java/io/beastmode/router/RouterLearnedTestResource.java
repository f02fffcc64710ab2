package io.beastmode.router;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link RouterTestResource} with the learned selection following Redis every 100 ms and fitting
 * its heads again at every change, so a test sees learning land within a fraction of a second.
 */
public class RouterLearnedTestResource extends RouterTestResource {
  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    config.put("beastmode.router.learned-poll-interval", "100ms");
    config.put("beastmode.router.learned-refit-interval", "0s");
    return config;
  }
}
