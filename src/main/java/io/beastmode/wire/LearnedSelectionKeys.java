package io.beastmode.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where the learned selection keeps its state in the region's Redis, shared by every router of one
 * LLMRouter: a stream of labelled examples (prompt embedding, prompt length, one outcome per model
 * known) that routers replay at start and follow while they run, and each learned decision kept for
 * a day so feedback on it can name the prompt and the model that answered. Every key of one
 * LLMRouter carries it in braces (a Redis Cluster hash tag): the operator copies examples into the
 * stream and moves its cursor in one transaction, which needs them in one hash slot.
 */
public final class LearnedSelectionKeys {
  public static final String PREFIX = "beastmode:learned:";

  /** How long a decision waits for feedback. */
  public static final int DECISION_TTL_SECONDS = 86_400;

  /** Stream field: the prompt's embedding, little-endian float32. */
  public static final String EMBEDDING = "e";

  /** Stream field: the prompt's length in characters. */
  public static final String CHARS = "n";

  /** Stream field prefix: {@code o:<model>} is that model's outcome, 0 (bad) to 1 (good). */
  public static final String OUTCOME = "o:";

  /** Stream field: where the example came from (csv, feedback, failure). */
  public static final String SOURCE = "src";

  /**
   * Stream field: the region an entry was copied from (the operator merges each region's examples
   * into the others); absent in the region that learned it.
   */
  public static final String ORIGIN = "from";

  /**
   * Stream field of a copy: the entry's id in the region it came from, so a copy made again (a
   * failover lost the first with the operator's cursor) is read once.
   */
  public static final String ORIGIN_ID = "fromid";

  /** How many examples a stream keeps, about (older ones are trimmed). */
  public static final int MAX_EXAMPLES = 100_000;

  /** Decision field: the model that answered. */
  public static final String MODEL = "m";

  /**
   * Stream and decision field: the candidate policies that would have sent the prompt to the strong
   * model, one bit each; with {@link #POLICY_STRONG} and {@link #PROPENSITY} it makes an outcome an
   * input of the off-policy estimates.
   */
  public static final String POLICY_ACTIONS = "pa";

  /** Stream and decision field: 1 when the router sent the prompt to the strong model, else 0. */
  public static final String POLICY_STRONG = "ps";

  /** Stream and decision field: the probability the router had of the action it took. */
  public static final String PROPENSITY = "pp";

  /**
   * Stream and decision fields: the predictor's chance for the cheap and the strong model when the
   * decision was taken (absent when unknown), which make the estimates doubly robust.
   */
  public static final String PREDICTED_WEAK = "pw";

  public static final String PREDICTED_STRONG = "pst";

  /**
   * Stream and decision field: the caller's tenant (absent when unknown), so each router keeps the
   * policy estimates per tenant too.
   */
  public static final String POLICY_TENANT = "ptn";

  /** A client asking the same prompt again within this many seconds rates the first answer bad. */
  public static final int RETRY_WINDOW_SECONDS = 30;

  private LearnedSelectionKeys() {}

  /** The examples stream of a router (namespace/name). */
  public static String examples(String router) {
    return PREFIX + "{" + router + "}:examples";
  }

  /** In a region's Redis: the last entry of {@code source}'s stream copied into this region. */
  public static String copiedFrom(String router, String source) {
    return PREFIX + "{" + router + "}:copied-from:" + source;
  }

  /** A decision awaiting feedback. */
  public static String decision(String router, String requestId) {
    return PREFIX + "{" + router + "}:decision:" + requestId;
  }

  /** Orders two stream ids (milliseconds, then sequence). */
  public static int compareIds(String a, String b) {
    String[] x = a.split("-", 2);
    String[] y = b.split("-", 2);
    int byTime = Long.compareUnsigned(Long.parseUnsignedLong(x[0]), Long.parseUnsignedLong(y[0]));
    return byTime != 0
        ? byTime
        : Long.compareUnsigned(Long.parseUnsignedLong(x[1]), Long.parseUnsignedLong(y[1]));
  }

  /** The last learned decision on one prompt of one tenant, kept for the retry window. */
  public static String lastDecisionOn(String router, String promptDigest) {
    return PREFIX + router + ":last-decision:" + promptDigest;
  }

  public static byte[] pack(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      bytes.putFloat(v);
    }
    return bytes.array();
  }

  public static float[] unpack(byte[] packed) {
    ByteBuffer bytes = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[packed.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = bytes.getFloat();
    }
    return vector;
  }
}
