package org.cnnhls.dse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Searches a {@link DesignSpace}. Exhaustive search evaluates every point on all cores. The
 * heuristic (for spaces too big to enumerate) prunes with the roofline, then runs simulated
 * annealing chains in parallel (fpgaConvNet style): a move changes one parameter to a neighbouring
 * value; worse moves are accepted with probability exp(-delta / T) as T cools geometrically. Chains
 * are seeded from one seed, so the same seed gives the same answer. Each chain ends with a
 * coordinate-descent polish (the array shape swept jointly, then one parameter at a time).
 *
 * <p>Deterministic whatever the machine: the number of chains and their seeds are fixed (never the
 * core count), each chain is sequential, and results are merged in chain order and sorted by a
 * total order, so 1, 2 or 16 threads give the same points and the same answer. Parallel streams run
 * in the caller's ForkJoinPool (the common pool unless the caller submits from another).
 */
public final class Explorer {
  private Explorer() {}

  public record Result(List<Evaluation> fitting, Evaluation best, long evaluated, double seconds) {}

  /** Annealing chains and moves per chain of {@link #anneal(DesignSpace, Evaluator, Objective, long)}. */
  public static final int CHAINS = 8, STEPS = 4000;

  /** Spaces up to this many points are searched exhaustively by {@link #auto}. */
  public static final long EXHAUSTIVE_LIMIT = 200_000;

  /** Exhaustive search for spaces up to {@link #EXHAUSTIVE_LIMIT} points, annealing (seeded) beyond. */
  public static Result auto(DesignSpace space, Evaluator eval, Objective objective, long seed) {
    return space.size() <= EXHAUSTIVE_LIMIT ? exhaustive(space, eval, objective) : anneal(space, eval, objective, seed);
  }

  /** Annealing with the default number of chains and steps. */
  public static Result anneal(DesignSpace space, Evaluator eval, Objective objective, long seed) {
    return anneal(space, eval, objective, seed, CHAINS, STEPS);
  }

  public static Result exhaustive(DesignSpace space, Evaluator eval, Objective objective) {
    long t0 = System.nanoTime();
    long before = eval.evaluated();
    List<Evaluation> fitting = LongStream.range(0, space.size()).parallel()
        .mapToObj(i -> eval.evaluate(space.point(space.digits(i)))).filter(Evaluation::fits)
        .collect(Collectors.toList());
    fitting.sort(objective.order());
    return new Result(fitting, fitting.isEmpty() ? null : fitting.get(0), eval.evaluated() - before,
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * @param chains parallel annealing chains
   * @param steps moves per chain
   */
  public static Result anneal(DesignSpace space, Evaluator eval, Objective objective, long seed, int chains, int steps) {
    long t0 = System.nanoTime();
    long before = eval.evaluated();
    Random master = new Random(seed);
    long[] seeds = new long[chains];
    for (int i = 0; i < chains; i++) seeds[i] = master.nextLong();
    List<List<Evaluation>> visited = IntStream.range(0, chains).parallel()
        .mapToObj(c -> chain(space, eval, objective, new Random(seeds[c]), steps)).toList();
    List<Evaluation> fitting = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (List<Evaluation> v : visited) for (Evaluation e : v) if (e.fits() && seen.add(e.point().label())) fitting.add(e);
    fitting.sort(objective.order());
    return new Result(fitting, fitting.isEmpty() ? null : fitting.get(0), eval.evaluated() - before,
        (System.nanoTime() - t0) / 1e9);
  }

  private static List<Evaluation> chain(DesignSpace space, Evaluator eval, Objective objective, Random rnd, int steps) {
    int[] radix = space.radices();
    int[] cur = new int[radix.length];
    for (int i = 0; i < radix.length; i++) cur[i] = rnd.nextInt(radix[i]);
    Evaluation curE = eval.evaluate(space.point(cur));
    List<Evaluation> out = new ArrayList<>();
    out.add(curE);
    Evaluation best = curE;
    double temp = 1.0;
    double cooling = Math.pow(1e-3, 1.0 / Math.max(1, steps));
    for (int s = 0; s < steps; s++) {
      int[] next = cur.clone();
      int dim = rnd.nextInt(radix.length);
      if (radix[dim] == 1) continue;
      int delta = rnd.nextBoolean() ? 1 : -1;
      if (rnd.nextInt(4) == 0) delta *= 2;
      next[dim] = Math.floorMod(next[dim] + delta, radix[dim]);
      Evaluation e = eval.evaluate(space.point(next));
      out.add(e);
      double dc = normalized(objective, e, best) - normalized(objective, curE, best);
      if (accept(curE, e, dc, temp, rnd)) {
        cur = next;
        curE = e;
      }
      if (e.fits() && (!best.fits() || objective.order().compare(e, best) < 0)) best = e;
      temp *= cooling;
    }
    if (best.fits()) out.addAll(polish(space, eval, objective, best));
    return out;
  }

  /**
   * Coordinate descent from the chain's best point: try every value of one parameter at a time and
   * keep the best, until no single change improves. Annealing finds the basin; this finds its floor.
   */
  private static List<Evaluation> polish(DesignSpace space, Evaluator eval, Objective objective, Evaluation start) {
    int[] radix = space.radices();
    Step step = new Step(space, eval, objective, digitsOf(space, start.point()), start);
    boolean improved = true;
    while (improved) {
      improved = false;
      // the array shape (Tm, Tn) jointly: at the DSP cap, trading one for the other takes two moves
      int[] base = step.cur.clone();
      for (int a = 0; a < radix[0]; a++) {
        for (int b = 0; b < radix[1]; b++) {
          int[] next = base.clone();
          next[0] = a;
          next[1] = b;
          improved |= step.tryPoint(next);
        }
      }
      for (int dim = 0; dim < radix.length; dim++) {
        int[] from = step.cur.clone();
        for (int v = 0; v < radix[dim]; v++) {
          int[] next = from.clone();
          next[dim] = v;
          improved |= step.tryPoint(next);
        }
      }
    }
    return step.visited;
  }

  /** Greedy descent state: the best point so far and everything evaluated on the way. */
  private static final class Step {
    final DesignSpace space;
    final Evaluator eval;
    final Objective objective;
    final List<Evaluation> visited = new ArrayList<>();
    int[] cur;
    Evaluation best;

    Step(DesignSpace space, Evaluator eval, Objective objective, int[] cur, Evaluation best) {
      this.space = space;
      this.eval = eval;
      this.objective = objective;
      this.cur = cur;
      this.best = best;
    }

    /** Moves to {@code next} when it fits and beats the best; true if it did. */
    boolean tryPoint(int[] next) {
      if (java.util.Arrays.equals(next, cur)) return false;
      Evaluation e = eval.evaluate(space.point(next));
      visited.add(e);
      if (e.fits() && objective.order().compare(e, best) < 0) {
        best = e;
        cur = next;
        return true;
      }
      return false;
    }
  }

  private static int[] digitsOf(DesignSpace space, DesignPoint p) {
    var h = p.hw();
    return new int[] {indexOf(space.tm(), h.tm()), indexOf(space.tn(), h.tn()), indexOfTile(space.tiles(), h.tr(), h.tc()),
        indexOf(space.axi(), h.axiDataWidth()), indexOf(space.precisions(), h.precision()), indexOfD(space.clocks(), h.clockMHz()),
        indexOfB(space.winograd(), h.winograd())};
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
    throw new IllegalArgumentException(v + " not in the space");
  }

  private static int indexOfTile(int[][] a, int tr, int tc) {
    for (int i = 0; i < a.length; i++) if (a[i][0] == tr && a[i][1] == tc) return i;
    throw new IllegalArgumentException(tr + "x" + tc + " tiles not in the space");
  }

  private static int indexOfB(boolean[] a, boolean v) {
    for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
    throw new IllegalArgumentException(v + " not in the space");
  }

  private static int indexOfD(double[] a, double v) {
    for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
    throw new IllegalArgumentException(v + " not in the space");
  }

  /** Relative cost against the best so far; points that do not fit cost a lot but stay reachable. */
  private static double normalized(Objective o, Evaluation e, Evaluation best) {
    if (!e.fits()) return 10;
    double ref = best.fits() ? Math.abs(o.cost(best)) : 1;
    return o.cost(e) / (ref == 0 ? 1 : ref);
  }

  private static boolean accept(Evaluation cur, Evaluation next, double delta, double temp, Random rnd) {
    if (!cur.fits() && next.fits()) return true;
    if (delta <= 0) return true;
    return rnd.nextDouble() < Math.exp(-delta / (0.05 * temp));
  }

  /** Points not dominated in (latency, resource) for the given resource, sorted by that resource. */
  public static List<Evaluation> pareto(List<Evaluation> fitting, java.util.function.ToIntFunction<Evaluation> resource) {
    List<Evaluation> sorted = new ArrayList<>(fitting);
    sorted.sort(Comparator.comparingInt(resource).thenComparingDouble(Evaluation::latencySeconds)
        .thenComparing(e -> e.point().label()));
    List<Evaluation> front = new ArrayList<>();
    double bestLatency = Double.POSITIVE_INFINITY;
    for (Evaluation e : sorted) {
      if (e.latencySeconds() < bestLatency) {
        front.add(e);
        bestLatency = e.latencySeconds();
      }
    }
    return front;
  }
}
