package dev.autolog.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads JMH's JSON results ({@code -rf json}) and prints, per benchmark, the median of the
 * measurement iterations with min/max, the sample-mode percentiles, bytes allocated per operation
 * ({@code -prof gc}), and the delivery ratios against both baselines of the same run.
 */
public final class JmhSummary {
  private JmhSummary() {}

  public static void main(String[] args) throws Exception {
    Map<String, Stats> medians = new HashMap<>();
    for (String file : args) {
      JsonNode results = new ObjectMapper().readTree(new File(file));
      for (JsonNode r : results) {
        String name = r.path("benchmark").asText().replace("dev.autolog.benchmarks.", "");
        StringBuilder params = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          params.append(params.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        String mode = r.path("mode").asText();
        String id = name + (params.length() == 0 ? "" : "[" + params + "]") + " " + mode;
        JsonNode pm = r.path("primaryMetric");
        String unit = pm.path("scoreUnit").asText();
        StringBuilder line = new StringBuilder("RESULT jmh " + id + " ");
        if (mode.equals("sample")) {
          JsonNode p = pm.path("scorePercentiles");
          line.append(String.format(Locale.ROOT, "p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f %s",
              p.path("50.0").asDouble(), p.path("90.0").asDouble(), p.path("99.0").asDouble(),
              p.path("99.9").asDouble(), p.path("100.0").asDouble(), unit));
        } else {
          List<Double> iterations = new ArrayList<>();
          for (JsonNode fork : pm.path("rawData")) {
            for (JsonNode v : fork) {
              iterations.add(v.asDouble());
            }
          }
          Stats s = Stats.of(iterations);
          medians.put(name + (params.length() == 0 ? "" : "[" + params + "]"), s);
          line.append(s.format(fmt(s.median()))).append(' ').append(unit);
        }
        JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
        if (!alloc.isMissingNode()) {
          line.append(String.format(Locale.ROOT, "; alloc %.1f B/op", alloc.path("score").asDouble()));
        }
        System.out.println(line);
      }
    }
    // One set of ratios per server the delivery benchmarks ran against (DeliveryBench's server parameter).
    Set<String> servers = new TreeSet<>();
    for (String id : medians.keySet()) {
      if (id.startsWith("DeliveryBench.") && id.contains("[server=")) {
        servers.add(id.substring(id.indexOf("[server=")));
      }
    }
    for (String p : servers) {
      ratio(medians, "DeliveryBench.agentAsyncLogger" + p, "DeliveryBench.mlflowClientPerPoint" + p, 50);
      ratio(medians, "DeliveryBench.agentAsyncLogger" + p, "DeliveryBench.mlflowClientLogBatch1000" + p, 1.2);
      ratio(medians, "DeliveryBench.restTrackerBatch1000" + p, "DeliveryBench.mlflowClientLogBatch1000" + p, 0);
    }
  }

  private static String fmt(double v) {
    return Math.abs(v) >= 1000 ? "%.0f" : "%.2f";
  }

  private static void ratio(Map<String, Stats> m, String a, String b, double target) {
    Stats x = m.get(a);
    Stats y = m.get(b);
    if (x == null || y == null) {
      return;
    }
    System.out.printf(Locale.ROOT, "RESULT ratio %s / %s = %.2f (range %.2f..%.2f from iteration min/max)%s%n",
        a.replace("DeliveryBench.", ""), b.replace("DeliveryBench.", ""), x.median() / y.median(),
        x.min() / y.max(), x.max() / y.min(), target > 0 ? " target >= " + target : "");
  }
}
