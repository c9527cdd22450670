package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real Slurm job array on this machine: munged, slurmctld and slurmd started with a generated
 * key and slurm.conf in a temporary folder (unprivileged ports picked free), a 3-point digits sweep
 * (csim, systemc) submitted with sbatch, squeue polled until the array is done (at most 5 minutes),
 * collected, every task bit-exact (with -Dcnnhls.sweep.compareLocal=true also the same points fresh through the local pool,
 * for the timing comparison). The
 * daemons are stopped by their process handles in a finally. Skipped, saying why, only where Slurm
 * cannot start (not root, binaries absent, daemons not coming up).
 */
class SlurmSweepTest {
  static final String[] BINARIES = {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"};

  @Test
  void jobArrayOfThreeDigitsPoints() throws Exception {
    for (String b : BINARIES) {
      boolean found = which(b) != null;
      if (!found) System.out.println("SlurmSweepTest skipped: " + b + " not on PATH (apt-get install slurm-wlm munge)");
      assumeTrue(found, b + " not on PATH (apt-get install slurm-wlm munge)");
    }
    boolean root = "0".equals(run(List.of("id", "-u"), null, Map.of()).trim());
    if (!root) System.out.println("SlurmSweepTest skipped: slurmd must run as root to launch jobs (not root here)");
    assumeTrue(root, "slurmd must run as root to launch jobs");

    Path d = Files.createTempDirectory("cnnhls-slurm");
    List<Process> daemons = new ArrayList<>();
    try {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x")); // munged: socket dir executable by all
      Files.createDirectories(d.resolve("state"));
      Files.createDirectories(d.resolve("spool"));
      byte[] key = new byte[1024];
      new SecureRandom().nextBytes(key);
      Files.write(d.resolve("munge.key"), key);
      Files.setPosixFilePermissions(d.resolve("munge.key"), PosixFilePermissions.fromString("r--------"));
      Path conf = d.resolve("slurm.conf");
      Files.writeString(conf, slurmConf(d, freePort(), freePort()));
      Map<String, String> env = Map.of("SLURM_CONF", conf.toString());

      daemons.add(start(List.of("munged", "-F", "--socket=" + d.resolve("munge.socket"), "--key-file=" + d.resolve("munge.key"),
          "--log-file=" + d.resolve("munged.log"), "--pid-file=" + d.resolve("munged.pid"), "--seed-file=" + d.resolve("munged.seed")),
          d, env, "munged.out"));
      waitFor(() -> Files.exists(d.resolve("munge.socket")), 10, d, "munged did not create its socket");
      daemons.add(start(List.of("slurmctld", "-D"), d, env, "slurmctld.out"));
      daemons.add(start(List.of("slurmd", "-D", "-N", "localhost"), d, env, "slurmd.out"));
      waitFor(() -> run(List.of("sinfo", "-h", "-o", "%T"), d, env).trim().equals("idle"), 60, d, "the node did not come up idle");

      Path sweep = d.resolve("sweep");
      Sweep.Result r = Sweep.write(LocalSweepTest.request(sweep, 3, "csim,systemc"), s -> { }, w -> { });
      assertEquals(3, r.points().size());
      String sbatch = Files.readString(sweep.resolve(Sweep.SBATCH));
      assertTrue(sbatch.contains("#SBATCH --array=0-2\n"), sbatch);

      long t0 = System.nanoTime();
      String job = run(List.of("sbatch", "--parsable", Sweep.SBATCH), sweep, env).trim();
      assertTrue(job.matches("\\d+(;.*)?"), "sbatch printed '" + job + "'");
      String id = job.split(";")[0];
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (!run(List.of("squeue", "-h", "-j", id, "-o", "%i %T"), sweep, env).isBlank()) {
        if (System.nanoTime() > deadline) fail("job array " + id + " still queued after 5 minutes:\n" + run(List.of("squeue"), sweep, env));
        Thread.sleep(500);
      }
      double slurmSeconds = (System.nanoTime() - t0) / 1e9;

      Collector.Table t = Collector.write(sweep);
      assertEquals(3, t.rows().size());
      for (Map<String, Object> row : t.rows()) {
        String task = row.get("task").toString();
        assertEquals("bit-exact", row.get("csim"), task + " " + row + "\n" + tail(sweep.resolve(task + "/logs/csim.log")));
        assertEquals("bit-exact", row.get("systemc"), task + " " + row);
        JsonNode st = new ObjectMapper().readTree(sweep.resolve(task + "/status.json").toFile());
        assertTrue(st.path("finished").asBoolean(), task);
      }
      for (int i = 0; i < 3; i++) {
        Path out = sweep.resolve("logs/slurm-" + id + "_" + i + ".out");
        assertTrue(Files.readString(out).contains("cnnhls sweep: " + Sweep.taskName(i)), Files.readString(out));
      }

      System.out.printf("SlurmSweepTest: 3 digits points, csim+systemc: Slurm job array %.1f s (submit to empty queue)%n", slurmSeconds);
      if (!Boolean.getBoolean("cnnhls.sweep.compareLocal")) return;
      // on demand: the same points written again (deterministic: the same manifest), run fresh through the local pool
      Path local = d.resolve("local");
      Sweep.write(LocalSweepTest.request(local, 3, "csim,systemc"), s -> { }, w -> { });
      assertEquals(Files.readString(sweep.resolve(Sweep.MANIFEST)), Files.readString(local.resolve(Sweep.MANIFEST)));
      long t1 = System.nanoTime();
      for (LocalRunner.TaskRun tr : LocalRunner.run(local, 2, s -> { })) assertEquals(0, tr.exitCode(), tr.task());
      double localSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf("SlurmSweepTest: the same 3 points fresh with --local --jobs 2: %.1f s%n", localSeconds);
    } finally {
      for (int i = daemons.size() - 1; i >= 0; i--) {
        Process p = daemons.get(i);
        p.destroy();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
      }
      Sweep.deleteTree(d);
    }
  }

  static String slurmConf(Path d, int ctldPort, int slurmdPort) {
    return String.join("\n",
        "ClusterName=cnnhls-test",
        "SlurmctldHost=localhost",
        "SlurmctldPort=" + ctldPort,
        "SlurmdPort=" + slurmdPort,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        "AuthInfo=socket=" + d.resolve("munge.socket"),
        "StateSaveLocation=" + d.resolve("state"),
        "SlurmdSpoolDir=" + d.resolve("spool"),
        "SlurmctldPidFile=" + d.resolve("slurmctld.pid"),
        "SlurmdPidFile=" + d.resolve("slurmd.pid"),
        "SlurmctldLogFile=" + d.resolve("slurmctld.log"),
        "SlurmdLogFile=" + d.resolve("slurmd.log"),
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "ReturnToService=2",
        "SchedulerType=sched/backfill",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "NodeName=localhost CPUs=2 RealMemory=8000 State=UNKNOWN",
        "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
        "");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Path which(String tool) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  static Process start(List<String> cmd, Path d, Map<String, String> env, String log) throws IOException {
    List<String> c = new ArrayList<>(cmd);
    c.set(0, which(c.get(0)).toString());
    ProcessBuilder pb = new ProcessBuilder(c).directory(d.toFile()).redirectErrorStream(true).redirectOutput(d.resolve(log).toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static String run(List<String> cmd, Path dir, Map<String, String> env) {
    try {
      List<String> c = new ArrayList<>(cmd);
      Path exe = which(c.get(0));
      if (exe != null) c.set(0, exe.toString());
      ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
      if (dir != null) pb.directory(dir.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code c} every 0.5 s; skips the test (Slurm cannot start here), printing the daemons' logs, after {@code seconds}. */
  static void waitFor(Check c, int seconds, Path d, String what) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > deadline) {
        String logs = tail(d.resolve("munged.log")) + tail(d.resolve("slurmctld.log")) + tail(d.resolve("slurmd.log"));
        System.out.println("SlurmSweepTest skipped: " + what + " within " + seconds + " s\n" + logs);
        assumeTrue(false, what + " within " + seconds + " s");
      }
      Thread.sleep(500);
    }
  }

  static String tail(Path f) {
    try {
      List<String> l = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
      return f.getFileName() + ":\n  " + String.join("\n  ", l.subList(Math.max(0, l.size() - 10), l.size())) + "\n";
    } catch (IOException e) {
      return f.getFileName() + ": (none)\n";
    }
  }
}
