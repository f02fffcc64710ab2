package io.beastmode.router;

import io.beastmode.router.dialect.AnswerAssembler;
import io.beastmode.router.dialect.CanonicalAnswer;
import io.beastmode.router.dialect.StreamDecoder;
import io.beastmode.router.dialect.StreamEncoder;
import io.beastmode.router.dialect.StreamEvent;
import io.beastmode.router.dialect.TokenUsage;
import io.beastmode.router.upstream.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What a streamed answer goes through on its way to the caller: its bytes as they are, read on the
 * side for usage and kept whole for the cache, or decoded into canonical events and written in the
 * caller's dialect, the events assembled into the complete answer the cache keeps.
 */
abstract class StreamPipe {
  /** Null when the stream's bytes are what the cache keeps: nothing is assembled. */
  private final AnswerAssembler assembler;

  private TokenUsage usage;
  private boolean failed;

  private StreamPipe(boolean assembles) {
    this.assembler = assembles ? new AnswerAssembler() : null;
  }

  /** The bytes owed to the caller for this piece of the upstream's stream (may be empty). */
  abstract Buffer chunk(Buffer upstream);

  /** The bytes owed once the upstream's stream has ended. */
  abstract Buffer end();

  /** The tokens of the answer: the last the upstream reported, else the estimate. */
  TokenUsage usage() {
    return usage;
  }

  /** True when the upstream sent an error inside the stream. */
  boolean failed() {
    return failed;
  }

  /**
   * The complete answer, or null when the stream ended early or could not be read, or when the pipe
   * assembles none (it passes the bytes through, and keeps them if asked: {@link #copy}).
   */
  CanonicalAnswer answer(long created) {
    return assembler != null && !failed && assembler.complete() ? assembler.answer(created) : null;
  }

  /** Counts and assembles events as they are decoded. */
  void observe(List<StreamEvent> events) {
    for (StreamEvent event : events) {
      if (assembler != null) {
        assembler.accept(event);
      }
      if (event instanceof StreamEvent.MessageStart start) {
        usage = start.usage();
      } else if (event instanceof StreamEvent.MessageDelta delta) {
        usage = delta.usage();
      } else if (event instanceof StreamEvent.StreamError) {
        failed = true;
      }
    }
  }

  /** Every byte the caller was sent, for the cache; null unless asked for. */
  Buffer copy() {
    return null;
  }

  /**
   * The upstream's bytes reach the caller unchanged; a decoder reads them on the side for usage and
   * errors.
   *
   * @param keepCopy keep the whole stream, so a later request of the same form replays it as sent
   */
  static StreamPipe passing(StreamDecoder decoder, boolean keepCopy) {
    Buffer copy = keepCopy ? Buffer.buffer() : null;
    return new StreamPipe(false) {
      @Override
      Buffer chunk(Buffer upstream) {
        observe(decoder.feed(upstream.getBytes()));
        if (copy != null) {
          copy.appendBuffer(upstream);
        }
        return upstream;
      }

      @Override
      Buffer copy() {
        return copy;
      }

      @Override
      Buffer end() {
        observe(decoder.finish());
        return Buffer.buffer();
      }
    };
  }

  /**
   * The upstream's bytes reach the caller unchanged and only its usage is read: a dialect whose
   * events the router does not decode (legacy completions). Nothing is assembled for the cache.
   */
  static StreamPipe counting(Usage.StreamTally tally) {
    return new StreamPipe(false) {
      @Override
      Buffer chunk(Buffer upstream) {
        tally.feed(upstream);
        return upstream;
      }

      @Override
      Buffer end() {
        return Buffer.buffer();
      }

      @Override
      TokenUsage usage() {
        return tally.usage().tokens();
      }
    };
  }

  /** The upstream's stream decoded and written again in the caller's dialect. */
  static StreamPipe translating(StreamDecoder decoder, StreamEncoder encoder) {
    return new StreamPipe(true) {
      @Override
      Buffer chunk(Buffer upstream) {
        return encode(decoder.feed(upstream.getBytes()));
      }

      @Override
      Buffer end() {
        return encode(decoder.finish());
      }

      private Buffer encode(List<StreamEvent> events) {
        observe(events);
        Buffer out = Buffer.buffer();
        for (StreamEvent event : events) {
          for (byte[] frame : encoder.encode(event)) {
            out.appendBytes(frame);
          }
        }
        return out;
      }
    };
  }
}
