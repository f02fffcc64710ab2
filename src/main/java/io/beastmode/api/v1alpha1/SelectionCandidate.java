package io.beastmode.api.v1alpha1;

/**
 * A policy a router under the learned policy may follow to decide between its cheap and its strong
 * model: the learned threshold rule, prompt length, the static rule on the request's structure
 * (code, maths, tools, turns, requested output), or a blend of the learned and length ranks.
 */
public enum SelectionCandidate {
  blend,
  learned,
  length,
  structure
}
