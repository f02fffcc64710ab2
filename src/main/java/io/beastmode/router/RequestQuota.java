package io.beastmode.router;

import io.beastmode.router.access.Caller;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.router.select.Pricing;
import io.beastmode.router.select.RequestNeeds;
import io.beastmode.wire.ModelRoute;
import java.util.function.Consumer;

/**
 * One keyed request's hold on its key's limits and budget: reserved before the first model is
 * called, settled with what the request used when it ends.
 */
final class RequestQuota {
  private final QuotaLedger ledger;
  private final RouterMetrics metrics;
  private final Caller caller;
  private QuotaLedger.Reservation reservation;
  private boolean answerStarted;
  private boolean accounted;
  private boolean ended;
  private long usedTokens;
  private long usedNanoUsd;

  private RequestQuota(QuotaLedger ledger, RouterMetrics metrics, Caller caller) {
    this.ledger = ledger;
    this.metrics = metrics;
    this.caller = caller;
  }

  /** The hold of a caller with limits or a budget; null for anyone else. */
  static RequestQuota of(Caller caller, QuotaLedger ledger, RouterMetrics metrics) {
    return caller == null || caller.quota() == null
        ? null
        : new RequestQuota(ledger, metrics, caller);
  }

  /**
   * Reserves the dearest the request can cost on the first model chosen: its prompt and the whole
   * {@code max_tokens}. The command goes out now; {@code then} gets the outcome on the thread that
   * completes it, null when Redis could not check a request without a budget (counted): such a
   * request is admitted, as a cache it cannot read serves without cache. A budgeted one gets the
   * ledger's decision without Redis: refused, or admitted on its key's local allowance.
   */
  void reserve(ModelRoute first, RequestNeeds needs, Consumer<QuotaLedger.Outcome> then) {
    int prompt = needs.promptTokens();
    int output = outputAllowance(first, needs);
    long nanoUsd =
        first == null ? 0 : (long) Math.ceil(Pricing.costUsd(first, prompt, output) * 1e9);
    ledger
        .reserve(caller, prompt + output, nanoUsd)
        .onComplete(
            result -> {
              QuotaLedger.Outcome outcome = null;
              if (result.failed()) {
                metrics.quotaError();
              } else {
                outcome = result.result();
                if (outcome.ledgerUnreachable()) {
                  metrics.quotaError();
                }
                if (outcome.refusal() != null) {
                  metrics.quotaRefused(outcome.refusal().type());
                } else {
                  reservation = outcome.reservation();
                  if (ended) {
                    // The request ended (its client left) while this was on its way: release it.
                    settleNow();
                  }
                }
              }
              then.accept(outcome);
            });
  }

  /** A model of this region began to answer. */
  void answerStarted() {
    answerStarted = true;
  }

  /** What an answer used, as accounted. */
  void used(long tokens, double costUsd) {
    usedTokens += tokens;
    usedNanoUsd += (long) Math.ceil(costUsd * 1e9);
    accounted = true;
  }

  /**
   * Settles the reservation with what the request used: its accounted usage; the whole estimate
   * when an answer began but was never accounted (a client that left mid-stream); nothing when no
   * model of this region answered (failed, served by a peer, whose region counts it, or from the
   * cache: the request counts, its tokens and cost do not). A reservation that arrives after the
   * request ended is settled when it arrives.
   */
  void settle() {
    ended = true;
    if (reservation != null) {
      settleNow();
    }
  }

  private void settleNow() {
    long tokens = accounted ? usedTokens : answerStarted ? reservation.estimatedTokens() : 0;
    long nanoUsd = accounted ? usedNanoUsd : answerStarted ? reservation.estimatedNanoUsd() : 0;
    if (accounted && reservation.budgeted()) {
      metrics.quotaEstimate(reservation.estimatedNanoUsd(), nanoUsd);
    }
    ledger.settle(reservation, tokens, nanoUsd).onFailure(error -> metrics.quotaError());
  }

  /** The answer tokens a request may use: its max_tokens, else the model's, else 4096. */
  private static int outputAllowance(ModelRoute model, RequestNeeds needs) {
    if (needs.maxTokens() > 0) {
      return needs.maxTokens();
    }
    return model != null && model.maxOutputTokens() != null ? model.maxOutputTokens() : 4096;
  }
}
