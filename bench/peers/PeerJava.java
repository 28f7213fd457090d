// The workloads of docs/WORKLOADS.md (W1-W10) with java.util.concurrent, for `threadlab bench`.
// Run as a single-file program:
//   java PeerJava.java [--quick] [--scale X] [--only W4,W5] [--n N] [--runs R] [--scaling [--ks 1,2,4]]
// Each workload prints one JSON line: {"id", "n", "value", "unit", "seconds", "ok"}; every
// workload checks its result (a sum). W7 (process pool) and W10 (a GIL) have no
// java.util.concurrent counterpart and are reported as such. W1 runs twice per round, with
// ExecutorService.submit + Future.get and with CompletableFuture.supplyAsync + join on the
// same kind of pool, and reports the faster (both figures in its note); its --scaling
// points use submit + Future.get. Before its timed rounds each workload runs once untimed at
// full size (a tenth with --quick), so the JIT has compiled what the rounds use: with a
// tenth-size warm-up W1 read 2.7-4.0 M tasks/s, with a full-size one 4.6-5.8 M.
// --scaling runs, instead of W1-W10, the scaling points of docs/WORKLOADS.md: W1 with a pool
// of k workers, W3 with k producers and k consumers, W5 with k threads, for each k of --ks
// (default 1,2,4,8,16,64), and prints one line per (workload, k), W1 first, then W3, then W5:
// {"id", "k", "n", "value", "low", "high", "unit", "seconds", "ok", "note"}. N is the one each
// has in W1-W10 (times --scale, at least k), split over the k threads of W3 and W5 (share =
// N / k each); every (workload, k) gets a warm-up at N / 10 first; --only still picks among
// W1, W3, W5.
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

public class PeerJava {
    record Sample(double value, String unit, double seconds, boolean ok, String note) {}

    interface Workload { Sample run(int n) throws Exception; }

    interface Scaled { Sample run(int n, int k) throws Exception; }

    static final String[] IDS = {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "W9", "W10"};
    static final long[][] SIZES = {
        {100_000, 20_000}, {1_000_000, 100_000}, {1_000_000, 100_000}, {10_000_000, 1_000_000},
        {1_000_000, 100_000}, {50_000_000, 10_000_000}, {0, 0}, {100_000, 10_000}, {10_000, 2_000}, {0, 0},
    };

    static double secondsSince(long start) { return (System.nanoTime() - start) / 1e9; }

    static Sample w1(int n, int k) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(k);
        List<Future<Long>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) { final long v = i; futures.add(pool.submit(() -> v)); }
        long total = 0;
        for (Future<Long> f : futures) total += f.get();
        pool.shutdown();
        double s = secondsSince(start);
        return new Sample(n / s, "tasks/s", s, total == (long) n * (n - 1) / 2, null);
    }

    // W1 with CompletableFuture: supplyAsync on a fixed pool of k, join each in order.
    static Sample w1Completable(int n, int k) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(k);
        List<CompletableFuture<Long>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) { final long v = i; futures.add(CompletableFuture.supplyAsync(() -> v, pool)); }
        long total = 0;
        for (CompletableFuture<Long> f : futures) total += f.join();
        pool.shutdown();
        double s = secondsSince(start);
        return new Sample(n / s, "tasks/s", s, total == (long) n * (n - 1) / 2, null);
    }

    static Sample queue(int n, int producers, int consumers) throws Exception {
        ArrayBlockingQueue<Long> q = new ArrayBlockingQueue<>(1024);
        int share = n / producers;
        long total = (long) share * producers;
        AtomicLong sum = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            threads.add(new Thread(() -> {
                long s = 0;
                try {
                    while (true) { long v = q.take(); if (v < 0) break; s += v; }
                } catch (InterruptedException e) { return; }
                sum.addAndGet(s);
            }));
        }
        List<Thread> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int k = p;
            ps.add(new Thread(() -> {
                try { for (long i = (long) k * share; i < (long) (k + 1) * share; i++) q.put(i); }
                catch (InterruptedException e) { }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) t.start();
        for (Thread t : ps) t.start();
        for (Thread t : ps) t.join();
        for (int c = 0; c < consumers; c++) q.put(-1L);
        for (Thread t : threads) t.join();
        double s = secondsSince(start);
        return new Sample(total / s, "items/s", s, sum.get() == total * (total - 1) / 2, null);
    }

    static Sample w4(int n) {
        ReentrantLock lock = new ReentrantLock();
        long counter = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) { lock.lock(); counter++; lock.unlock(); }
        double s = secondsSince(start);
        return new Sample(s / n * 1e9, "ns/pair", s, counter == n, null);
    }

    static long shared = 0;

    // k threads, each incrementing one counter share times under one lock.
    static Sample contended(int share, int k) throws Exception {
        ReentrantLock lock = new ReentrantLock();
        shared = 0;
        Runnable work = () -> { for (int i = 0; i < share; i++) { lock.lock(); try { shared++; } finally { lock.unlock(); } } };
        Thread[] threads = new Thread[k];
        for (int j = 0; j < k; j++) threads[j] = new Thread(work);
        long start = System.nanoTime();
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        double s = secondsSince(start);
        long total = (long) share * k;
        lock.lock();
        boolean ok = shared == total;
        lock.unlock();
        return new Sample(total / s, "increments/s", s, ok, null);
    }

    // W1-W10's W5: 2 threads x n increments each.
    static Sample w5(int n) throws Exception { return contended(n, 2); }

    static long cpu(long a, long b) { long s = 0; for (long i = a; i < b; i++) s += (i * i) % 7; return s; }

    static long expected(long a, long b) { return prefix(b) - prefix(a); }

    static long prefix(long n) {
        long[] r = {0, 1, 4, 2, 2, 4, 1};
        long s = n / 7 * 14;
        for (int i = 0; i < n % 7; i++) s += r[i];
        return s;
    }

    static double[] onThreads(long[][] ranges) throws Exception {
        long[] results = new long[ranges.length];
        Thread[] threads = new Thread[ranges.length];
        for (int k = 0; k < ranges.length; k++) {
            final int j = k;
            threads[k] = new Thread(() -> results[j] = cpu(ranges[j][0], ranges[j][1]));
        }
        long start = System.nanoTime();
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        return new double[] {secondsSince(start), Arrays.stream(results).sum()};
    }

    static Sample w6(int n) throws Exception {
        long half = n / 2;
        onThreads(new long[][] {{0, n / 10}}); // warm the JIT
        double[] one = onThreads(new long[][] {{0, n}});
        double[] two = onThreads(new long[][] {{0, half}, {half, n}});
        boolean ok = (long) one[1] == expected(0, n) && (long) two[1] == expected(0, n);
        String note = String.format(Locale.ROOT, "T1 %.3g, T2 %.3g; P2 not measured (a JVM per worker)", one[0], two[0]);
        return new Sample(one[0] / two[0], "T1/T2", one[0] + two[0], ok, note);
    }

    static Sample w8(int n) throws Exception {
        // Java has no Event: two semaphores bounce the token the same way.
        Semaphore ping = new Semaphore(0), pong = new Semaphore(0);
        Thread responder = new Thread(() -> {
            try { for (int i = 0; i < n; i++) { ping.acquire(); pong.release(); } } catch (InterruptedException e) { }
        });
        responder.start();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) { ping.release(); pong.acquire(); }
        double s = secondsSince(start);
        responder.join();
        return new Sample(s / n * 1e6, "us/roundtrip", s, true, "two Semaphores (no Event in java.util.concurrent)");
    }

    static Sample w9(int n) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) { Thread t = new Thread(() -> {}); t.start(); t.join(); }
        double s = secondsSince(start);
        return new Sample(n / s, "threads/s", s, true, null);
    }

    static Workload workload(String id) {
        switch (id) {
            case "W1": return n -> {
                // The best futures peer: FutureTask through submit, or CompletableFuture.
                Sample future = w1(n, 2);
                Sample completable = w1Completable(n, 2);
                Sample best = completable.value() > future.value() ? completable : future;
                String note = String.format(Locale.ROOT,
                    "best of submit + Future.get %.3g/s, CompletableFuture.supplyAsync + join %.3g/s",
                    future.value(), completable.value());
                return new Sample(best.value(), best.unit(), future.seconds() + completable.seconds(),
                    future.ok() && completable.ok(), note);
            };
            case "W2": return n -> queue(n, 1, 1);
            case "W3": return n -> queue(n, 2, 2);
            case "W4": return PeerJava::w4;
            case "W5": return PeerJava::w5;
            case "W6": return PeerJava::w6;
            case "W8": return PeerJava::w8;
            case "W9": return PeerJava::w9;
            default: return null;
        }
    }

    // --scaling: W1, W3 and W5 with k threads, N in all (W3, W5: N / k per thread).
    static final String[] SCALING_IDS = {"W1", "W3", "W5"};
    static final int[] SCALING_KS = {1, 2, 4, 8, 16, 64};

    static Scaled scaled(String id) {
        switch (id) {
            case "W1": return PeerJava::w1;
            case "W3": return (n, k) -> queue(n, k, k);
            case "W5": return (n, k) -> contended(n / k, k);
            default: return null;
        }
    }

    static void runScaling(boolean quick, double scale, int fixedN, int runs, List<String> only, int[] ks)
            throws Exception {
        for (String id : SCALING_IDS) {
            if (!only.isEmpty() && !only.contains(id)) continue;
            Scaled w = scaled(id);
            long[] size = SIZES[Arrays.asList(IDS).indexOf(id)];
            for (int k : ks) {
                int n = Math.max(k, fixedN > 0 ? fixedN : (int) Math.max(2, size[quick ? 1 : 0] * scale));
                w.run(Math.max(k, n / 10), k); // warm-up
                Sample[] samples = new Sample[runs];
                double total = 0;
                boolean ok = true;
                for (int r = 0; r < runs; r++) { samples[r] = w.run(n, k); total += samples[r].seconds(); ok &= samples[r].ok(); }
                Arrays.sort(samples, (x, y) -> Double.compare(x.value(), y.value()));
                Sample median = samples[runs / 2];
                System.out.println(String.format(Locale.ROOT,
                    "{\"id\": \"%s\", \"k\": %d, \"n\": %d, \"value\": %s, \"low\": %s, \"high\": %s, \"unit\": \"%s\", \"seconds\": %s, \"ok\": %b, \"note\": %s}",
                    id, k, n, Double.toString(median.value()), Double.toString(samples[0].value()),
                    Double.toString(samples[runs - 1].value()), median.unit(), Double.toString(total), ok,
                    json(median.note())));
                System.out.flush();
            }
        }
    }

    static String json(String s) { return s == null ? "null" : "\"" + s.replace("\"", "'") + "\""; }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        double scale = 1;
        int fixedN = 0, runs = 0;
        boolean scaling = false;
        int[] ks = SCALING_KS;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick": quick = true; break;
                case "--scale": scale = Double.parseDouble(args[++i]); break;
                case "--n": fixedN = Integer.parseInt(args[++i]); break;
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--scaling": scaling = true; break;
                case "--ks": ks = Arrays.stream(args[++i].split(",")).filter(w -> !w.isEmpty()).mapToInt(Integer::parseInt).toArray(); break;
                case "--only": for (String w : args[++i].split(",")) if (!w.isEmpty()) only.add(w); break;
                default: System.err.println("unknown argument " + args[i]); System.exit(2);
            }
        }
        if (runs == 0) runs = quick ? 1 : 3;
        if (scaling) { runScaling(quick, scale, fixedN, runs, only, ks); return; }
        for (int k = 0; k < IDS.length; k++) {
            String id = IDS[k];
            if (!only.isEmpty() && !only.contains(id)) continue;
            Workload w = workload(id);
            if (w == null) continue;
            int n = fixedN > 0 ? fixedN : (int) Math.max(2, SIZES[k][quick ? 1 : 0] * scale);
            w.run(quick ? Math.max(2, n / 10) : n); // warm-up: a full-size run, so the JIT has compiled what the timed runs use
            Sample[] samples = new Sample[runs];
            double total = 0;
            boolean ok = true;
            for (int r = 0; r < runs; r++) { samples[r] = w.run(n); total += samples[r].seconds(); ok &= samples[r].ok(); }
            Arrays.sort(samples, (x, y) -> Double.compare(x.value(), y.value()));
            Sample median = samples[runs / 2];
            System.out.println(String.format(Locale.ROOT,
                "{\"id\": \"%s\", \"n\": %d, \"value\": %s, \"low\": %s, \"high\": %s, \"unit\": \"%s\", \"seconds\": %s, \"ok\": %b, \"note\": %s}",
                id, n, Double.toString(median.value()), Double.toString(samples[0].value()),
                Double.toString(samples[runs - 1].value()), median.unit(), Double.toString(total), ok,
                json(median.note())));
            System.out.flush();
        }
    }
}
