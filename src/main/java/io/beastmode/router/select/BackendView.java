package io.beastmode.router.select;

/** What the router has observed about each model's backend, as selection needs it. */
public interface BackendView {

  /** Moving average of time to first byte in milliseconds, NaN before the first call. */
  double latencyMs(String model);

  /**
   * True while the model's circuit is open and its delay has not passed, so a call would be
   * refused.
   */
  boolean coolingDown(String model);

  BackendView NONE =
      new BackendView() {
        @Override
        public double latencyMs(String model) {
          return Double.NaN;
        }

        @Override
        public boolean coolingDown(String model) {
          return false;
        }
      };
}
