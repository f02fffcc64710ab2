package io.beastmode.router.select.learned;

import java.util.List;

/**
 * Logistic regression of one model's success on a prompt's features (its embedding and its log
 * length), with an L2 penalty, fitted by full-batch gradient descent with Nesterov momentum on
 * standardised features. Small and deterministic: the same examples give the same weights.
 */
final class LogisticHead {
  private final double[] mean;
  private final double[] scale;
  private final double[] weights;
  private final double bias;

  private LogisticHead(double[] mean, double[] scale, double[] weights, double bias) {
    this.mean = mean;
    this.scale = scale;
    this.weights = weights;
    this.bias = bias;
  }

  static int featureCount() {
    return PromptEncoder.DIMENSIONS + 1;
  }

  static void features(float[] embedding, int promptChars, double[] into) {
    for (int i = 0; i < embedding.length; i++) {
      into[i] = embedding[i];
    }
    into[embedding.length] = Math.log1p(promptChars);
  }

  /**
   * Fits the head of model {@code model} on the examples that know its outcome.
   *
   * @param l2 penalty on the weights of standardised features
   * @param iterations gradient steps
   */
  static LogisticHead fit(List<LabelledExample> examples, int model, double l2, int iterations) {
    int d = featureCount();
    int n = 0;
    for (LabelledExample e : examples) {
      if (!Double.isNaN(e.outcomes()[model])) {
        n++;
      }
    }
    double[][] x = new double[n][d];
    double[] y = new double[n];
    int row = 0;
    for (LabelledExample e : examples) {
      if (!Double.isNaN(e.outcomes()[model])) {
        features(e.embedding(), e.promptChars(), x[row]);
        y[row++] = e.outcomes()[model];
      }
    }
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j] / Math.max(n, 1);
      }
    }
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / Math.max(n, 1);
      }
    }
    for (int j = 0; j < d; j++) {
      scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
    }
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        r[j] = (r[j] - mean[j]) / scale[j];
      }
    }
    double prior = n == 0 ? 0.5 : clamp(sum(y) / n);
    double[] w = new double[d];
    double b = Math.log(prior / (1 - prior));
    double[] vw = new double[d];
    double vb = 0;
    double rate = 0.5;
    double momentum = 0.9;
    double[] grad = new double[d];
    double[] look = new double[d];
    for (int it = 0; it < iterations && n > 0; it++) {
      for (int j = 0; j < d; j++) {
        look[j] = w[j] + momentum * vw[j];
      }
      double lookB = b + momentum * vb;
      java.util.Arrays.fill(grad, 0);
      double gradB = 0;
      for (int i = 0; i < n; i++) {
        double z = lookB;
        double[] r = x[i];
        for (int j = 0; j < d; j++) {
          z += look[j] * r[j];
        }
        double err = sigmoid(z) - y[i];
        gradB += err;
        for (int j = 0; j < d; j++) {
          grad[j] += err * r[j];
        }
      }
      for (int j = 0; j < d; j++) {
        vw[j] = momentum * vw[j] - rate * (grad[j] / n + l2 * look[j]);
        w[j] += vw[j];
      }
      vb = momentum * vb - rate * gradB / n;
      b += vb;
    }
    return new LogisticHead(mean, scale, w, b);
  }

  double predict(double[] features) {
    double z = bias;
    for (int j = 0; j < weights.length; j++) {
      z += weights[j] * (features[j] - mean[j]) / scale[j];
    }
    return sigmoid(z);
  }

  static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double clamp(double p) {
    return Math.min(0.99, Math.max(0.01, p));
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
