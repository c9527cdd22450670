package org.cnnhls.engine.dataflow;

import java.util.List;

/**
 * One stage of a dataflow accelerator: a process of the top function's DATAFLOW region, reading
 * one pixel stream and writing one. Each stage owns its loop nest (the pipelined loops its kernel in
 * templates' cnnhls/dataflow/ runs per image, {@link #loops}), hence its cycles, and its resources.
 * The kernels' trace hooks report the same loops, which ties this model to the code.
 */
public sealed interface DataflowStage {
  /** Unique stage name (C++ identifiers are made from it by the emitter). */
  String name();

  /** The IR node it computes ("" for the I/O adapters). */
  String node();

  String op();

  PixelShape in();

  PixelShape out();

  List<DataflowLoop> loops();

  /** Cycles from the stage's start until it writes its first output word (input arriving as fast as it takes it). */
  long fillCycles();

  StageResources resources();

  /** Cycles per image: its loops by the UG1399 rule (loop control between non-pipelined outer iterations not counted). */
  default long cycles() {
    long c = 0;
    for (DataflowLoop l : loops()) c += l.cycles();
    return c;
  }

  default int pe() {
    return 1;
  }

  default int simd() {
    return 1;
  }

  /** Control logic per stage (FSM, counters, stream handshakes): an uncalibrated allowance. */
  int CONTROL_LUT = 150, CONTROL_FF = 150;

  /** The FIFO after a stage: {@link DataflowPlan#FIFO_DEPTH} words in shift registers (one LUT per bit, SRL32) plus an output register. */
  static StageResources fifo(PixelShape s) {
    int bits = s.wordBits();
    return new StageResources(0, 0, bits * ((DataflowPlan.FIFO_DEPTH + 31) / 32), bits, 0, 0);
  }

  /** DSP48E2s of a signed a x b multiplier (27 x 18 per block). */
  static int dspFor(int aBits, int bBits) {
    return ((aBits + 26) / 27) * ((bBits + 17) / 18);
  }

  /** Graph input values (NCHW, sent channel-innermost per pixel on the AXI stream) into pixel words. */
  record Input(PixelShape out) implements DataflowStage {
    public String name() {
      return "input";
    }

    public String node() {
      return "";
    }

    public String op() {
      return "AXIS in";
    }

    public PixelShape in() {
      return new PixelShape(out.h(), out.w(), 1, out.width());
    }

    public List<DataflowLoop> loops() {
      return List.of(new DataflowLoop("in", 1, out.values(), 1, DataflowLatencies.IO_DEPTH));
    }

    public long fillCycles() {
      return DataflowLatencies.IO_DEPTH + out.c() - 1;
    }

    public StageResources resources() {
      return new StageResources(0, 0, CONTROL_LUT, CONTROL_FF + out.wordBits(), 0, 0).plus(fifo(out));
    }
  }

  /** Pixel words back to single values on the AXI stream (channel innermost per pixel). */
  record Output(PixelShape in) implements DataflowStage {
    public String name() {
      return "output";
    }

    public String node() {
      return "";
    }

    public String op() {
      return "AXIS out";
    }

    public PixelShape out() {
      return new PixelShape(in.h(), in.w(), 1, in.width());
    }

    public List<DataflowLoop> loops() {
      return List.of(new DataflowLoop("out", 1, in.values(), 1, DataflowLatencies.IO_DEPTH));
    }

    public long fillCycles() {
      return DataflowLatencies.IO_DEPTH;
    }

    public StageResources resources() {
      return new StageResources(0, 0, CONTROL_LUT, CONTROL_FF + in.wordBits(), 0, 0);
    }
  }

  /**
   * Convolution by line buffer and sliding window (cnnhls_df_conv.h), one flattened pipelined loop
   * per image: every pixel of the padded input takes CB = Cin / CS steps (storing one word of CS
   * channels per step into the kh-row line buffer, zeros in the padding), and a pixel that completes
   * a window takes NF x SF steps instead (NF = Cout / PE, SF = kh (kw / MC) CB), each PE x SIMD
   * products, writing its output pixel at the last. Folding as FINN's MVAU: PE output channels and
   * SIMD window elements in parallel, PE | Cout; SIMD is CS channels of MC adjacent taps of a
   * window row: SIMD | Cin (CS = SIMD, MC = 1) or SIMD = MC Cin with MC | kw (a layer with few
   * input channels reads MC line-buffer columns per cycle).
   *
   * @param accWidth bits of the accumulator (the contract's worst |acc| of the layer, plus a sign)
   * @param multWidth bits of the largest requantize multiplier, 0 when every multiplier is 1 (no multiply)
   */
  record Conv(String name, String node, PixelShape in, PixelShape out, int kh, int kw, int sh, int sw, int padTop, int padLeft,
      int padBottom, int padRight, int pe, int simd, int weightWidth, int accWidth, int multWidth, boolean leaky)
      implements DataflowStage {
    public Conv {
      boolean simdOk = simd <= in.c() ? in.c() % simd == 0 : simd % in.c() == 0 && kw % (simd / in.c()) == 0;
      if (out.c() % pe != 0 || !simdOk) {
        throw new IllegalArgumentException(node + ": PE " + pe + " must divide " + out.c() + ", SIMD " + simd + " must divide " + in.c()
            + " or be " + in.c() + " times a divisor of " + kw);
      }
    }

    public String op() {
      return "Conv " + kh + "x" + kw + (sh > 1 || sw > 1 ? " s" + sh : "");
    }

    public int paddedH() {
      return in.h() + padTop + padBottom;
    }

    public int paddedW() {
      return in.w() + padLeft + padRight;
    }

    /** Channels per SIMD word: min(SIMD, Cin). */
    public int channelsPerWord() {
      return Math.min(simd, in.c());
    }

    /** Adjacent window columns per SIMD word: SIMD / CS. */
    public int columnsPerWord() {
      return simd / channelsPerWord();
    }

    /** Line-buffer words per pixel: Cin / CS. */
    public int channelFold() {
      return in.c() / channelsPerWord();
    }

    /** Output-channel folds: Cout / PE. */
    public int neuronFold() {
      return out.c() / pe;
    }

    /** Window folds: kh (kw / MC) CB. */
    public int synapseFold() {
      return kh * (kw / columnsPerWord()) * channelFold();
    }

    /** Steps of the flattened loop: NF x SF for each of the oh x ow window pixels, CB for every other padded pixel. */
    public long steps() {
      long padded = (long) paddedH() * paddedW(), outs = (long) out.h() * out.w();
      return outs * neuronFold() * synapseFold() + (padded - outs) * channelFold();
    }

    public List<DataflowLoop> loops() {
      return List.of(new DataflowLoop("cv", 1, steps(), 1, DataflowLatencies.macDepth(simd)));
    }

    public long fillCycles() {
      long before = (long) (kh - 1) * paddedW() + kw - 1;
      return before * channelFold() + (long) neuronFold() * synapseFold() + DataflowLatencies.macDepth(simd) - 1;
    }

    public StageResources resources() {
      int mults = pe * simd;
      int dsp = mults + (multWidth == 0 ? 0 : pe * dspFor(accWidth, multWidth + 1)) + (leaky ? pe : 0);
      DataflowMemory.Cost rom = DataflowMemory.of(mults, (long) neuronFold() * synapseFold(), weightWidth);
      long lineDepth = ((long) kh * paddedW() * channelFold() + columnsPerWord() - 1) / columnsPerWord();
      DataflowMemory.Cost line = DataflowMemory.of(simd, lineDepth, in.width());
      DataflowMemory.Cost params = DataflowMemory.of(pe, neuronFold(), accWidth + multWidth + 7);
      int operand = in.width() + weightWidth;
      int lut = CONTROL_LUT + mults * operand + pe * accWidth + rom.lut() + line.lut() + params.lut();
      int ff = CONTROL_FF + mults * operand + pe * accWidth + out.wordBits() + in.wordBits();
      long wbits = (long) out.c() * in.c() * kh * kw * weightWidth;
      return new StageResources(dsp, rom.bram18() + line.bram18() + params.bram18(), lut, ff, mults, wbits).plus(fifo(out));
    }
  }

  /** Max pool, non-overlapping windows (k = stride, no padding), one pixel per cycle with all channels in parallel (cnnhls_df_pool.h). */
  record Pool(String name, String node, PixelShape in, PixelShape out, int kh, int kw) implements DataflowStage {
    public String op() {
      return "MaxPool " + kh + "x" + kw;
    }

    public List<DataflowLoop> loops() {
      return List.of(new DataflowLoop("pool", 1, in.pixels(), 1, DataflowLatencies.POOL_DEPTH));
    }

    public long fillCycles() {
      return (long) (kh - 1) * in.w() + kw + DataflowLatencies.POOL_DEPTH - 1;
    }

    public StageResources resources() {
      DataflowMemory.Cost acc = DataflowMemory.of(in.c(), out.w(), in.width());
      int lut = CONTROL_LUT + in.c() * in.width() + acc.lut();
      int ff = CONTROL_FF + in.wordBits() + out.wordBits();
      return new StageResources(0, acc.bram18(), lut, ff, 0, 0).plus(fifo(out));
    }
  }

  /**
   * Fully connected (cnnhls_df_fc.h): the input vector (p pixels of c values) into an input buffer
   * of SIMD banks, p c / SIMD words, then N / PE x (p c / SIMD) MAC iterations and one output word.
   * PE | N, SIMD | c (the input pixel's channels).
   */
  record Fc(String name, String node, PixelShape in, PixelShape out, int pe, int simd, int weightWidth, int accWidth, int multWidth,
      boolean leaky) implements DataflowStage {
    public Fc {
      if (out.c() % pe != 0 || in.c() % simd != 0) {
        throw new IllegalArgumentException(node + ": PE " + pe + " must divide " + out.c() + ", SIMD " + simd + " must divide " + in.c());
      }
    }

    public String op() {
      return "FC";
    }

    public int channelFold() {
      return in.c() / simd;
    }

    public int neuronFold() {
      return out.c() / pe;
    }

    public int synapseFold() {
      return in.values() / simd;
    }

    public List<DataflowLoop> loops() {
      return List.of(new DataflowLoop("fc_in", 1, (long) in.pixels() * channelFold(), 1, DataflowLatencies.STORE_DEPTH),
          new DataflowLoop("fc_mac", 1, (long) neuronFold() * synapseFold(), 1, DataflowLatencies.macDepth(simd)));
    }

    public long fillCycles() {
      return cycles();
    }

    public StageResources resources() {
      int mults = pe * simd;
      int dsp = mults + (multWidth == 0 ? 0 : pe * dspFor(accWidth, multWidth + 1)) + (leaky ? pe : 0);
      DataflowMemory.Cost rom = DataflowMemory.of(mults, (long) neuronFold() * synapseFold(), weightWidth);
      DataflowMemory.Cost buf = DataflowMemory.of(simd, synapseFold(), in.width());
      DataflowMemory.Cost params = DataflowMemory.of(pe, neuronFold(), accWidth + multWidth + 7);
      int operand = in.width() + weightWidth;
      int lut = CONTROL_LUT + mults * operand + pe * accWidth + rom.lut() + buf.lut() + params.lut();
      int ff = CONTROL_FF + mults * operand + pe * accWidth + out.wordBits() + in.wordBits();
      long wbits = (long) out.c() * in.values() * weightWidth;
      return new StageResources(dsp, rom.bram18() + buf.bram18() + params.bram18(), lut, ff, mults, wbits).plus(fifo(out));
    }
  }
}
