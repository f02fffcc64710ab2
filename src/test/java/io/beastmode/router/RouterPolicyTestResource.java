package io.beastmode.router;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link RouterTestResource} with the learned selection following Redis every 100 ms and fitting
 * its heads only once an hour, so the heads keep what the uploaded examples taught them while live
 * feedback is estimated.
 */
public class RouterPolicyTestResource extends RouterTestResource {
  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    config.put("beastmode.router.learned-poll-interval", "100ms");
    config.put("beastmode.router.learned-refit-interval", "1h");
    return config;
  }
}
