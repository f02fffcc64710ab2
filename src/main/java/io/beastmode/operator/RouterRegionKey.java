package io.beastmode.operator;

/** One router in one region: the key of what the operator keeps per router and region. */
public record RouterRegionKey(RouterKey router, String region) {}
