package io.beastmode.operator;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Beans the controllers share. */
public class OperatorBeans {

  /** Status timestamps come from this clock; tests pass a fixed one. */
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
