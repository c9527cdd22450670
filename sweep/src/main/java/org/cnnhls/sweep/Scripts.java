package org.cnnhls.sweep;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.HardwareConfig;

/** The text of a task's run.sh and of the sweep's Slurm job array script. */
public final class Scripts {
  private Scripts() {}

  /** Slurm options passed through to the #SBATCH header; {@code extraLines} as given ("--qos=x" or "#SBATCH --qos=x"). */
  public record Slurm(String partition, String account, List<String> extraLines) {
    public static final Slurm NONE = new Slurm(null, null, List.of());

    public Slurm {
      extraLines = List.copyOf(extraLines);
      for (String l : extraLines) {
        if (l.chars().anyMatch(c -> c < 0x20)) throw new SweepException("--sbatch-line holds a control character: one line each");
      }
      check(partition, "--partition");
      check(account, "--account");
    }

    private static void check(String v, String option) {
      if (v != null && !v.matches("[A-Za-z0-9_.,:+-]+")) throw new SweepException(option + " '" + v + "': letters, digits and _.,:+- only");
    }
  }

  /** Resources of one array task, from the steps and the model's size (documented in the script's header). */
  public record TaskResources(int cpus, int memGb, int minutes) {}

  public static TaskResources resources(Set<Step> steps, long modelBytes) {
    // g++/SystemC builds and runs: 1 CPU, 2 GB plus 4x the model (weights are compiled in and loaded);
    // Vitis HLS: 8 GB, 2 h; Vivado place and route (launch_runs -jobs 2): 2 CPUs, 16 GB, 4 h; Yosys on
    // the core: 4 GB, 1 h. The model's size adds time (one minute per MB per step) and memory.
    int modelMb = (int) Math.ceil(modelBytes / 1e6);
    int cpus = steps.contains(Step.IMPL) ? 2 : 1;
    int mem = 2 + (int) Math.ceil(4.0 * modelBytes / (1 << 30));
    int minutes = 0;
    if (steps.contains(Step.CSIM)) minutes += 15;
    if (steps.contains(Step.SYSTEMC)) minutes += 15;
    if (steps.contains(Step.CSYNTH)) {
      mem = Math.max(mem, 8);
      minutes += 120;
    }
    if (steps.contains(Step.IMPL)) {
      mem = Math.max(mem, 16);
      minutes += 240;
    }
    if (steps.contains(Step.YOSYS)) {
      mem = Math.max(mem, 4);
      minutes += 60;
    }
    minutes += modelMb * steps.size();
    return new TaskResources(cpus, mem, minutes);
  }

  public static String sbatch(String model, int tasks, Set<Step> steps, long modelBytes, Slurm slurm) {
    TaskResources r = resources(steps, modelBytes);
    StringBuilder sb = new StringBuilder();
    sb.append("#!/bin/bash\n");
    sb.append("#SBATCH --job-name=cnnhls-sweep-").append(model.replaceAll("[^A-Za-z0-9_.-]", "_")).append('\n');
    sb.append("#SBATCH --array=0-").append(tasks - 1).append('\n');
    sb.append("#SBATCH --cpus-per-task=").append(r.cpus()).append('\n');
    sb.append("#SBATCH --mem=").append(r.memGb()).append("G\n");
    sb.append(String.format(Locale.ROOT, "#SBATCH --time=%02d:%02d:00%n", r.minutes() / 60, r.minutes() % 60));
    sb.append("#SBATCH --output=logs/slurm-%A_%a.out\n");
    if (slurm.partition() != null) sb.append("#SBATCH --partition=").append(slurm.partition()).append('\n');
    if (slurm.account() != null) sb.append("#SBATCH --account=").append(slurm.account()).append('\n');
    for (String l : slurm.extraLines()) sb.append(l.startsWith("#SBATCH") ? l : "#SBATCH " + l).append('\n');
    sb.append("# Synthesis sweep written by `cnnhls sweep` (steps: ").append(String.join(",", Step.ids(steps))).append(").\n");
    sb.append("# Submit from this folder: `sbatch sweep.sbatch`; one array task per design point, task-NNN/.\n");
    sb.append("# Rerun one task: `sbatch --array=K sweep.sbatch` (tasks are independent; it just reruns task-K/run.sh).\n");
    sb.append("# Then `cnnhls collect .` tabulates every task's status.json and reports.\n");
    sb.append("# Resources per task: CPUs, memory and time from the steps and the model's size (see `cnnhls sweep --help`).\n");
    sb.append("set -eu\n");
    sb.append("cd \"${SLURM_SUBMIT_DIR:-.}\"\n");
    sb.append("task=$(printf 'task-%03d' \"$SLURM_ARRAY_TASK_ID\")\n");
    sb.append("echo \"cnnhls sweep: $task on $(hostname)\"\n");
    sb.append("exec bash \"$task/run.sh\"\n");
    return sb.toString();
  }

  /** {@code rtlNote}: why the yosys step cannot run for this point (null when rtl/ holds its core). */
  public static String runSh(String task, HardwareConfig hw, Set<Step> steps, String rtlNote) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/usr/bin/env bash\n");
    sb.append("# cnnhls sweep ").append(task).append(": ").append(hw.label().replaceAll("[^ -~]", "?")).append(" on ")
        .append(hw.board().name()).append(".\n");
    sb.append("# Runs its steps (").append(String.join(",", Step.ids(steps)))
        .append(") in this folder and writes each step's exit code and wall time to status.json\n");
    sb.append("# (a tool missing from PATH is recorded as skipped, not failed); each step's output goes to logs/STEP.log.\n");
    sb.append("# Exits 1 when a step failed. Rerunning reruns every step (make rebuilds only what changed).\n");
    sb.append("set -u\n");
    sb.append("cd \"$(dirname \"$0\")\"\n");
    sb.append("mkdir -p logs\n");
    sb.append("rm -f status.json\n");
    sb.append("entries=()\n");
    sb.append("failed=0\n");
    sb.append("write_status() {\n");
    sb.append("  local IFS=,\n");
    sb.append("  printf '{\\n  \"task\": \"").append(task).append("\",\\n  \"host\": \"%s\",\\n  \"finished\": %s,\\n  \"steps\": [%s]\\n}\\n' \\\n");
    sb.append("    \"$(hostname | tr -cd 'A-Za-z0-9._-')\" \"$1\" \"${entries[*]}\" > status.json.tmp && mv -f status.json.tmp status.json\n");
    sb.append("}\n");
    sb.append("skip() { # step reason\n");
    sb.append("  entries+=(\"{\\\"step\\\": \\\"$1\\\", \\\"status\\\": \\\"skipped\\\", \\\"reason\\\": \\\"$2\\\"}\")\n");
    sb.append("  echo \"$1: skipped: $2\"\n");
    sb.append("  write_status false\n");
    sb.append("}\n");
    sb.append("step() { # step tool command...\n");
    sb.append("  local name=$1 tool=$2 t0 t1 rc secs state\n");
    sb.append("  shift 2\n");
    sb.append("  if ! command -v \"$tool\" >/dev/null 2>&1; then skip \"$name\" \"tool not found: $tool\"; return 0; fi\n");
    sb.append("  echo \"$name: $*\"\n");
    sb.append("  t0=$(date +%s.%N)\n");
    sb.append("  \"$@\" > \"logs/$name.log\" 2>&1\n");
    sb.append("  rc=$?\n");
    sb.append("  t1=$(date +%s.%N)\n");
    sb.append("  secs=$(awk -v a=\"$t0\" -v b=\"$t1\" 'BEGIN { printf \"%.3f\", b - a }')\n");
    sb.append("  if [ \"$rc\" -eq 0 ]; then state=ok; else state=failed; failed=1; fi\n");
    sb.append("  entries+=(\"{\\\"step\\\": \\\"$name\\\", \\\"status\\\": \\\"$state\\\", \\\"exitCode\\\": $rc, \\\"seconds\\\": $secs, \\\"log\\\": \\\"logs/$name.log\\\"}\")\n");
    sb.append("  echo \"$name: $state (exit $rc, $secs s)\"\n");
    sb.append("  write_status false\n");
    sb.append("}\n");
    sb.append("write_status false\n");
    for (Step s : steps) {
      switch (s) {
        case CSIM -> sb.append("step csim make make --no-print-directory -C project/hls csim\n");
        case SYSTEMC -> sb.append("step systemc make make --no-print-directory -C project/systemc run\n");
        case CSYNTH -> {
          String hlsSteps = steps.contains(Step.IMPL) ? "csynth export" : "csynth";
          sb.append("# Vitis HLS: vitis-run (2024.2 and later), else vitis_hls; the IP is exported when impl follows\n");
          sb.append("if command -v vitis-run >/dev/null 2>&1; then\n");
          sb.append("  step csynth vitis-run env CNNHLS_STEPS=\"").append(hlsSteps).append("\" vitis-run --mode hls --tcl project/hls/run_hls.tcl\n");
          sb.append("else\n");
          sb.append("  step csynth vitis_hls env CNNHLS_STEPS=\"").append(hlsSteps).append("\" vitis_hls -f project/hls/run_hls.tcl\n");
          sb.append("fi\n");
        }
        case IMPL -> sb.append("step impl vivado vivado -mode batch -nojournal -log logs/vivado.log -source project/vivado/build_bd.tcl\n");
        case YOSYS -> {
          if (rtlNote != null) {
            sb.append("skip yosys \"").append(rtlNote.replaceAll("[^ -~]|[\"\\\\$`]", "_")).append("\"\n");
          } else {
            String family = hw.board().family() == Board.Family.ZYNQ_7000 ? "xc7" : "xcup";
            sb.append("step yosys yosys yosys -q -p \"read_verilog -sv rtl/cnnhls_mac_array.sv; synth_xilinx -family ").append(family)
                .append(" -top cnnhls_mac_array -flatten -noiopad; tee -q -o yosys_stat.txt stat\"\n");
          }
        }
      }
    }
    sb.append("write_status true\n");
    sb.append("exit $failed\n");
    return sb.toString();
  }
}
