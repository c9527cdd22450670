package org.cnnhls.rtl

import chisel3._
import chisel3.util._

/**
 * Parameters of the compute core, widths in bits. Lanes are packed little-endian into flat
 * vectors: lane i of a W-bit vector is bits [i*W + W-1 : i*W]; weight lane (m, n) is m*tn + n.
 *
 * @param accWidth   signed accumulator (the contract's Wx + Ww + ceil(log2 K) + 1 for the largest K)
 * @param mulWidth   unsigned requantize multiplier M (1 <= M < 2^mulWidth)
 * @param shiftWidth signed requantize shift s
 * @param packMacs   when the widths allow (8-bit data), two output channels sharing an activation
 *                   use one multiplier: see [[MacArrayParams.packed]]
 */
case class MacArrayParams(tm: Int, tn: Int, actWidth: Int, wgtWidth: Int, accWidth: Int, outWidth: Int,
    mulWidth: Int = 16, shiftWidth: Int = 8, packMacs: Boolean = true) {
  require(tm >= 1 && tn >= 1, "tm and tn must be positive")
  require(Seq(actWidth, wgtWidth, outWidth).forall(w => w >= 2 && w <= 32), "data widths must be 2..32")
  require(accWidth >= actWidth + wgtWidth && accWidth <= 64, "accWidth must be at least actWidth + wgtWidth, at most 64")
  require(mulWidth >= 1 && mulWidth <= 32 && shiftWidth >= 2 && shiftWidth <= 8, "mulWidth 1..32, shiftWidth 2..8")
  /** Width of acc * M (signed by unsigned). */
  val scaledWidth: Int = accWidth + mulWidth + 1
  /** Field of the low product in a packed pair: wide enough for any act x wgt product. */
  val packField: Int = actWidth + wgtWidth
  /**
   * Two MACs per multiplier: (w1 * 2^F + w2) * x = w1*x * 2^F + w2*x with F = actWidth + wgtWidth,
   * a (wgtWidth + F + 1) x actWidth product; it fits one DSP48E1 (25 x 18) and DSP48E2 (27 x 18)
   * when actWidth + 2 * wgtWidth + 1 <= 25, i.e. up to 8-bit data (Xilinx WP486's INT8 packing).
   */
  val packed: Boolean = packMacs && tm >= 2 && actWidth <= 18 && actWidth + 2 * wgtWidth + 1 <= 25
}

object MacArray {
  /**
   * Cycles from the handshake of a beat's last input step to its output being valid: product
   * register, adder-tree register, accumulator, acc*M register, output queue. The Java cycle model
   * (org.cnnhls.sim.core.MacArrayTiming) must agree; the Verilator test checks both.
   */
  val Latency = 5
  /** Output queue entries; with one credit per beat in flight the input never waits on a ready output. */
  val QueueDepth: Int = Latency + 1
}

/**
 * A signed multiplier as a Verilog primitive. firtool lowers an SInt product to an unsigned one of
 * sign-extended operands (2w x 2w bits), which Yosys then splits over three DSPs instead of one;
 * `$signed(a) * $signed(b)` in its own module is inferred as one DSP48 (27 x 18) per product.
 */
class SignedMul(aWidth: Int, bWidth: Int) extends BlackBox(Map("AW" -> aWidth, "BW" -> bWidth)) with HasBlackBoxInline {
  val io = IO(new Bundle {
    val a = Input(SInt(aWidth.W))
    val b = Input(SInt(bWidth.W))
    val y = Output(SInt((aWidth + bWidth).W))
  })
  override def desiredName = "cnnhls_smul"
  setInline("cnnhls_smul.v",
    """// signed product, kept as one operator so synthesis infers one DSP per product
      |module cnnhls_smul #(parameter AW = 16, parameter BW = 16) (
      |  input  signed [AW-1:0]    a,
      |  input  signed [BW-1:0]    b,
      |  output signed [AW+BW-1:0] y
      |);
      |  assign y = a * b;
      |endmodule
      |""".stripMargin)
}

object SignedMul {
  def apply(a: SInt, b: SInt): SInt = {
    val m = Module(new SignedMul(a.getWidth, b.getWidth))
    m.io.a := a
    m.io.b := b
    m.io.y
  }
}

/** An AXI-Stream-style channel (tdata/tvalid/tready) seen from the sender. */
class Axis(width: Int) extends Bundle {
  val tdata = Output(UInt(width.W))
  val tvalid = Output(Bool())
  val tready = Input(Bool())
}

/** The core's ports; see the README the generator writes for their protocol. */
class MacArrayIO(p: MacArrayParams) extends Bundle {
  import p._
  val start = Input(Bool())
  val k_steps = Input(UInt(32.W))
  val n_out = Input(UInt(32.W))
  val busy = Output(Bool())
  val done = Output(Bool())
  val bias = Input(UInt((tm * accWidth).W))
  val mult = Input(UInt((tm * mulWidth).W))
  val shift = Input(UInt((tm * shiftWidth).W))
  val act_lo = Input(SInt(outWidth.W))
  val act_hi = Input(SInt(outWidth.W))
  val s_axis_act = Flipped(new Axis(tn * actWidth))
  val s_axis_wgt = Flipped(new Axis(tm * tn * wgtWidth))
  val m_axis_out = new Axis(tm * outWidth)
}

/**
 * The engine's compute core: a Tm x Tn MAC array with the numeric contract's exact accumulation,
 * bias preload, per-channel requantize (round half to even, saturate), activation clamp [lo, hi].
 *
 * One run (start .. done) produces n_out output beats of Tm values; each takes k_steps paired
 * beats of activations (Tn values) and weights (Tm x Tn), which handshake together. bias, mult,
 * shift, act_lo and act_hi must be held from start until done. k_steps = 0 or n_out = 0 produces
 * nothing and pulses done the next cycle.
 */
class MacArray(p: MacArrayParams) extends Module {
  import p._
  override def desiredName = "cnnhls_mac_array"

  val io = FlatIO(new MacArrayIO(p))

  private def lanes(v: UInt, n: Int, w: Int): Seq[UInt] = (0 until n).map(i => v(i * w + w - 1, i * w))
  private def tree(xs: Seq[SInt]): SInt =
    if (xs.size == 1) xs.head else tree(xs.grouped(2).map(g => if (g.size == 2) g(0) +& g(1) else g(0)).toSeq)

  // ---- control: counters and credits
  val running = RegInit(false.B)
  val doneReg = RegInit(false.B)
  val kReg = Reg(UInt(32.W))
  val nReg = Reg(UInt(32.W))
  val step = Reg(UInt(32.W))
  val issued = Reg(UInt(32.W))
  val emitted = Reg(UInt(32.W))
  val pending = RegInit(0.U(log2Ceil(MacArray.QueueDepth + 1).W))

  val lastStep = step === kReg - 1.U
  val canIssue = running && issued =/= nReg && (!lastStep || pending < MacArray.QueueDepth.U)
  io.s_axis_act.tready := canIssue && io.s_axis_wgt.tvalid
  io.s_axis_wgt.tready := canIssue && io.s_axis_act.tvalid
  val fire = canIssue && io.s_axis_act.tvalid && io.s_axis_wgt.tvalid

  val queue = Module(new Queue(UInt((tm * outWidth).W), MacArray.QueueDepth))
  val outFire = queue.io.deq.fire
  io.m_axis_out.tdata := queue.io.deq.bits
  io.m_axis_out.tvalid := queue.io.deq.valid
  queue.io.deq.ready := io.m_axis_out.tready

  doneReg := false.B
  when(io.start && !running) {
    kReg := io.k_steps
    nReg := io.n_out
    step := 0.U
    issued := 0.U
    emitted := 0.U
    when(io.k_steps === 0.U || io.n_out === 0.U)(doneReg := true.B).otherwise(running := true.B)
  }
  when(fire) {
    step := Mux(lastStep, 0.U, step + 1.U)
    when(lastStep)(issued := issued + 1.U)
  }
  pending := pending + (fire && lastStep).asUInt - outFire.asUInt
  when(outFire) {
    emitted := emitted + 1.U
    when(emitted === nReg - 1.U) {
      running := false.B
      doneReg := true.B
    }
  }
  io.busy := running
  io.done := doneReg

  // ---- datapath: products, adder tree, accumulate with bias preload
  val x = lanes(io.s_axis_act.tdata, tn, actWidth).map(_.asSInt)
  val w = lanes(io.s_axis_wgt.tdata, tm * tn, wgtWidth).map(_.asSInt)
  val bias = lanes(io.bias, tm, accWidth).map(_.asSInt)
  val mult = lanes(io.mult, tm, mulWidth).map(m => Cat(0.U(1.W), m).asSInt)
  val shift = lanes(io.shift, tm, shiftWidth).map(_.asSInt)

  val v1 = RegNext(fire, false.B)
  val first1 = RegNext(step === 0.U)
  val last1 = RegNext(lastStep)
  // multiplier outputs, registered: one per MAC, or one per pair of output channels (2j, 2j+1) when packed
  val pairs = if (packed) tm / 2 else 0
  val pairRaw = for (j <- 0 until pairs; n <- 0 until tn)
    yield RegNext(SignedMul(packPair(w(2 * j * tn + n), w((2 * j + 1) * tn + n)), x(n)))
  val singleRaw = for (m <- 2 * pairs until tm; n <- 0 until tn) yield RegNext(SignedMul(x(n), w(m * tn + n)))
  def prod(m: Int, n: Int): SInt =
    if (m < 2 * pairs) unpack(pairRaw(m / 2 * tn + n), high = m % 2 == 0) else singleRaw((m - 2 * pairs) * tn + n)

  /** w1 * 2^F + w2 without a wide adder: (w1 - [w2 < 0]) * 2^F + (w2 mod 2^F). */
  private def packPair(w1: SInt, w2: SInt): SInt = {
    val hi = w1 -& Cat(0.U(1.W), w2(wgtWidth - 1)).asSInt
    Cat(hi.asUInt, w2.pad(packField).asUInt(packField - 1, 0)).asSInt
  }

  /** w2*x is the low F bits (signed); w1*x is the rest plus the low field's sign (its borrow). */
  private def unpack(p: SInt, high: Boolean): SInt =
    if (!high) p(packField - 1, 0).asSInt
    else ((p >> packField) +& Cat(0.U(1.W), p(packField - 1)).asSInt)(packField - 1, 0).asSInt

  val v2 = RegNext(v1, false.B)
  val first2 = RegNext(first1)
  val last2 = RegNext(last1)
  val sums = RegNext(VecInit((0 until tm).map(m => tree((0 until tn).map(n => prod(m, n))))))

  val acc = Reg(Vec(tm, SInt(accWidth.W)))
  when(v2) {
    for (m <- 0 until tm) acc(m) := (Mux(first2, bias(m), acc(m)) +& sums(m))(accWidth - 1, 0).asSInt
  }
  val v3 = RegNext(v2 && last2, false.B) // acc holds a finished beat

  // ---- requantize: t = acc * M (registered), then round, shift, saturate, clamp
  val scaled = RegNext(VecInit((0 until tm).map(m => wideProduct(acc(m), mult(m)))))
  val v4 = RegNext(v3, false.B)

  /**
   * a * b for an `a` wider than a DSP port: low pieces of 24 bits (unsigned, 25-bit signed operands
   * fit DSP48E1's 25 x 18 and DSP48E2's 27 x 18 multipliers) and a signed top piece of at most 25
   * bits, one DSP each, summed. A 48-bit accumulator takes two DSPs (Yosys' own split takes three).
   */
  private def wideProduct(a: SInt, b: SInt): SInt = {
    val chunk = 24
    val w = a.getWidth
    val lows = (0 until w by chunk).takeWhile(lo => w - lo > chunk + 1)
    val top = lows.size * chunk
    val parts = lows.map(lo => SignedMul(Cat(0.U(1.W), a(lo + chunk - 1, lo)).asSInt, b) << lo) :+
      (SignedMul(a(w - 1, top).asSInt, b) << top)
    parts.reduce(_ +& _)(w + b.getWidth - 1, 0).asSInt
  }

  /**
   * The contract's rounding shift and saturation. (t + 2^(s-1)) >> s == ((t >> (s-1)) + 1) >> 1 for
   * s >= 1, and for s <= 0 the same expression is t << -s; so u = (t << (W+1)) >> a with a = s + W
   * covers both, r = (u + 1) >> 1. a is clamped to [0, T + W] (T = width of t), which changes
   * nothing: a left shift by W or more saturates any t != 0, and s >= T gives 0 either way.
   * Only the low W+2 bits of u are computed (r then fits or saturates as the W+2-bit value says);
   * u needs more bits exactly when the bits of t from position a up are not all sign copies, and
   * then r saturates towards the sign of t. Ties go to even: u's LSB is t's bit s-1, so t is
   * exactly halfway when that bit is set and t's bits below s-1 are all zero (a prefix OR, indexed
   * by s-1 like signCopies); then r's LSB is cleared, which is the even neighbour of the tie.
   */
  private def requantize(t: SInt, s: SInt): SInt = {
    val tw = t.getWidth
    val keep = outWidth + 2
    val maxA = tw + outWidth
    val a = s +& outWidth.S
    val aBits = log2Ceil(maxA + 1)
    val aClamped = Mux(a < 0.S, 0.U, Mux(a > maxA.S, maxA.U, a.asUInt.pad(aBits)(aBits - 1, 0)))
    val u = windowShiftRight(Cat(t, 0.U((outWidth + 1).W)).asSInt, aClamped, keep)
    // signCopies(i): bits tw-1 .. i of t are all equal (u fits in keep bits iff signCopies(a))
    val signCopies = (0 until tw - 1).map(i => t(i) === t(i + 1)).scanRight(true.B)(_ && _)
    val fits = VecInit(signCopies ++ Seq.fill((1 << aClamped.getWidth) - tw)(true.B))(aClamped)
    val rUp = (u.asSInt +& 1.S) >> 1
    // lowOr(i): some bit of t below position i is set; index a - W - 1 = s - 1 (0 when s <= 1)
    val lowOr = (0 to tw).map(i => if (i == 0) false.B else t(i - 1, 0).orR)
    val stickyAt = Mux(aClamped > (outWidth + 1).U, aClamped - (outWidth + 1).U, 0.U)
    val sticky = VecInit(lowOr ++ Seq.fill((1 << aClamped.getWidth) - lowOr.size)(lowOr.last))(stickyAt)
    val tie = u(0) && !sticky && a > outWidth.S
    val r = Mux(tie, Cat(rUp(rUp.getWidth - 1, 1), 0.U(1.W)).asSInt, rUp)
    val hi = ((BigInt(1) << (outWidth - 1)) - 1).S(outWidth.W)
    val lo = (-(BigInt(1) << (outWidth - 1))).S(outWidth.W)
    val sat = Mux(!fits, Mux(t(tw - 1), lo, hi), Mux(r > hi, hi, Mux(r < lo, lo, r(outWidth - 1, 0).asSInt)))
    Mux(sat < io.act_lo, io.act_lo, Mux(sat > io.act_hi, io.act_hi, sat))
  }

  /**
   * The low `keep` bits of x >> a (arithmetic): a log shifter, largest step first, that drops the
   * bits no later step can bring into the window (after the step of 2^k only keep + 2^k - 1 stay).
   */
  private def windowShiftRight(x: SInt, a: UInt, keep: Int): UInt = {
    var v: SInt = x
    for (k <- a.getWidth - 1 to 0 by -1) {
      val picked = Mux(a(k), v >> (1 << k), v)
      val need = math.min(keep + (1 << k) - 1, picked.getWidth)
      v = picked(need - 1, 0).asSInt
    }
    v.asUInt(keep - 1, 0)
  }

  val outs = (0 until tm).map(m => requantize(scaled(m), shift(m)))
  queue.io.enq.valid := v4
  queue.io.enq.bits := Cat(outs.reverse.map(_.asUInt))
}

/** Java-friendly entry point: plain ints in, SystemVerilog text out (firtool from the classpath). */
object MacArrayEmitter {
  val FirtoolOptions: Array[String] = Array(
    "--disable-all-randomization",
    "--strip-debug-info",
    "--lowering-options=disallowLocalVariables,disallowPackedArrays,locationInfoStyle=none")

  def systemVerilog(tm: Int, tn: Int, actWidth: Int, wgtWidth: Int, accWidth: Int, outWidth: Int, mulWidth: Int,
      shiftWidth: Int, packMacs: Boolean): String = {
    val p = MacArrayParams(tm, tn, actWidth, wgtWidth, accWidth, outWidth, mulWidth, shiftWidth, packMacs)
    _root_.circt.stage.ChiselStage.emitSystemVerilog(new MacArray(p), Array.empty[String], FirtoolOptions)
  }

  def latency: Int = MacArray.Latency

  /** Whether this configuration packs two MACs per multiplier. */
  def packed(tm: Int, tn: Int, actWidth: Int, wgtWidth: Int, packMacs: Boolean): Boolean =
    MacArrayParams(tm, tn, actWidth, wgtWidth, actWidth + wgtWidth + 1, 8, packMacs = packMacs).packed
}
