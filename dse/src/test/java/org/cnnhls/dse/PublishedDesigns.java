package org.cnnhls.dse;

import java.util.List;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.ResourceModel;

/**
 * Published FPGA CNN accelerators with their synthesis figures, re-derived as our engine's
 * configuration (same board, MAC array, output tile, precision, clock) so the resource model can
 * be compared with them. BRAM is in BRAM18 (BRAM36 counted twice).
 */
final class PublishedDesigns {
  private PublishedDesigns() {}

  record Published(String name, String source, HardwareConfig config, EngineLimits limits, int dsp, int bram18, int lut,
      int ff) {
    ResourceModel.Estimate estimate() {
      return ResourceModel.estimate(config, limits);
    }
  }

  /** VGG16-sized limits: 3x3 windows, stride 2, 4096-long FC input, 224-wide rows. */
  static final EngineLimits VGG_LIMITS = withoutLeaky(EngineLimits.nominal(16, 16));

  /** VGG16 has no LeakyReLU: its engine is built without those multipliers. */
  static EngineLimits withoutLeaky(EngineLimits l) {
    return new EngineLimits(l.maxK(), l.maxStride(), l.maxDilation(), l.maxFcIn(), l.maxW(), l.maxPoolWin(), l.accWidth(),
        l.multWidth(), false);
  }
  /** YOLOv2 (416 x 416, no FC layer, LeakyReLU): 3x3 windows, stride 2, 416-wide rows. */
  static final EngineLimits YOLO_LIMITS = new EngineLimits(3, 2, 1, 1, 416, 4, VGG_LIMITS.accWidth(), 1);

  static final List<Published> ALL = List.of(
      // Bjerge et al., "A scalable and efficient convolutional neural network accelerator using HLS
      // for a system on chip design" (CNNA16, the seed paper): 192 16-bit MACs at 172 MHz on ZU3EG.
      // The ResourceModel's LUT and FF engine terms are calibrated on this point (in-sample).
      new Published("CNNA16 (Ultra96)", "Bjerge et al. 2021, design.md board facts",
          HardwareConfig.defaults(BoardCatalog.byName("ultra96")).withTiles(16, 12, 14, 14).withClock(172), VGG_LIMITS,
          360, 277, 42_500, 74_000),
      // dhm2013724/yolov2_xilinx_fpga (Vivado HLS, Zhang FPGA'15 Tm x Tn tiling, 16-bit fixed point):
      // Tm = 32, Tn = 4, Tr = Tc = 26, K = 3, S = 2 in hls/cnn.cpp; README post-route table
      // "Fixed-16(n4m32)": Zedboard 153 DSP, 88 BRAM36, 35977 LUT, 36247 FF at 150 MHz; ZCU102 147
      // DSP, 88 BRAM36, 36759 LUT, 30447 FF at 180 MHz. Held out: nothing is calibrated on it.
      new Published("yolov2 n4m32 (Zedboard)", "github.com/dhm2013724/yolov2_xilinx_fpga README",
          HardwareConfig.defaults(BoardCatalog.byName("zedboard")).withTiles(32, 4, 26, 26).withClock(150), YOLO_LIMITS,
          153, 176, 35_977, 36_247),
      new Published("yolov2 n4m32 (ZCU102)", "github.com/dhm2013724/yolov2_xilinx_fpga README",
          HardwareConfig.defaults(BoardCatalog.byName("zcu102")).withTiles(32, 4, 26, 26).withClock(180), YOLO_LIMITS,
          147, 176, 36_759, 30_447));

  static double error(int estimate, int published) {
    return (estimate - published) / (double) published;
  }
}
