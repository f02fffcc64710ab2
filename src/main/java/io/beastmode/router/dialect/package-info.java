/**
 * The dialects the router speaks, as pure code (Jackson and the JDK only): one canonical model and
 * an adapter per dialect, so N inbound and M upstream dialects take N + M adapters, not N × M
 * translators.
 *
 * <ul>
 *   <li>The model: {@link io.beastmode.router.dialect.CanonicalRequest}, {@link
 *       io.beastmode.router.dialect.CanonicalAnswer}, {@link io.beastmode.router.dialect.Block},
 *       {@link io.beastmode.router.dialect.TokenUsage} and {@link
 *       io.beastmode.router.dialect.StreamEvent}, whose events obey Anthropic's Messages grammar
 *       (one block open at a time, indices from 0) whatever the upstream sent.
 *   <li>Inbound ({@link io.beastmode.router.dialect.InboundDialect}): chat, legacy completions,
 *       Responses and Messages read requests, write answers, streams ({@link
 *       io.beastmode.router.dialect.StreamEncoder}) and errors ({@link
 *       io.beastmode.router.dialect.ErrorRenderer}) in their shape.
 *   <li>Upstream ({@link io.beastmode.router.dialect.UpstreamDialect}): OpenAI-compatible, Azure
 *       OpenAI and Anthropic write request bodies, read answers, streams ({@link
 *       io.beastmode.router.dialect.StreamDecoder}) and errors.
 *   <li>When the caller's dialect is the upstream's own, {@link
 *       io.beastmode.router.dialect.BodySplice} passes the body through with only {@code model}
 *       replaced, so provider prompt caches and thinking signatures survive.
 *   <li>{@link io.beastmode.router.dialect.StreamGrammar} checks a stream as a client receives it.
 * </ul>
 */
package io.beastmode.router.dialect;
