package io.erlmcp.runtime.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 6570 URI template, used backwards: given a URI, which variable values produce it.
 *
 * <p>Supported expressions: simple {@code {var}} and {@code {a,b}} (values without '/', '?',
 * '#', ','), reserved {@code {+var}} (any characters), fragment {@code {#var}}, path segment
 * {@code {/var}}, label {@code {.var}}, and query {@code {?a,b}} / continuation {@code {&a}}
 * (in any order, each optional). Modifiers ({@code :3}, {@code *}) are accepted and matched
 * leniently. Values are percent-decoded.
 */
public final class UriTemplate {
  private static final Pattern EXPR = Pattern.compile("\\{([+#./;?&]?)([^}]*)}");

  private final String template;
  private final Pattern pattern;
  private final List<String> positional = new ArrayList<>();
  private final List<String> queryVars = new ArrayList<>();

  public UriTemplate(String template) {
    this.template = template;
    StringBuilder re = new StringBuilder("^");
    Matcher m = EXPR.matcher(template);
    int last = 0;
    boolean queryStarted = false;
    while (m.find()) {
      if (queryStarted && m.start() != last) {
        throw new IllegalArgumentException("literal text after a query expression: " + template);
      }
      re.append(Pattern.quote(template.substring(last, m.start())));
      String op = m.group(1);
      if (queryStarted && !op.equals("?") && !op.equals("&")) {
        // The query part is matched as a whole at the end; nothing but query may follow it.
        throw new IllegalArgumentException("expression after a query expression: " + template);
      }
      List<String> names = new ArrayList<>();
      for (String v : m.group(2).split(",", -1)) {
        String name = v.replaceAll("[:*].*$", "").trim();
        if (name.isEmpty()) {
          throw new IllegalArgumentException("empty variable in " + template);
        }
        names.add(name);
      }
      switch (op) {
        case "?", "&" -> {
          queryStarted = true;
          queryVars.addAll(names);
        }
        case "+" -> addGroups(re, names, "", "(.*?)", ",");
        case "#" -> addGroups(re, names, "#", "(.*?)", ",");
        case "/" -> addGroups(re, names, "/", "([^/?#]*)", "/");
        case "." -> addGroups(re, names, "\\.", "([^/?#.]*)", "\\.");
        case ";" -> throw new IllegalArgumentException("path-style parameters are not supported");
        default -> addGroups(re, names, "", "([^/?#,]*)", ",");
      }
      last = m.end();
    }
    if (last < template.length()) {
      if (queryStarted) {
        throw new IllegalArgumentException("literal text after a query expression: " + template);
      }
      re.append(Pattern.quote(template.substring(last)));
    }
    if (queryStarted) {
      re.append("(?:\\?([^#]*))?");
    }
    re.append("$");
    this.pattern = Pattern.compile(re.toString());
  }

  private void addGroups(
      StringBuilder re, List<String> names, String prefix, String group, String sep) {
    re.append(prefix);
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        re.append(sep);
      }
      re.append(group);
      positional.add(names.get(i));
    }
  }

  public String template() {
    return template;
  }

  /** Whether the template has no variables (then it names exactly one URI). */
  public boolean isLiteral() {
    return positional.isEmpty() && queryVars.isEmpty();
  }

  public List<String> variableNames() {
    List<String> all = new ArrayList<>(positional);
    all.addAll(queryVars);
    return all;
  }

  /** The variables that produce {@code uri}, or empty when the template does not match it. */
  public Optional<Map<String, String>> match(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    Matcher m = pattern.matcher(uri);
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < positional.size(); i++) {
      vars.put(positional.get(i), decode(m.group(i + 1)));
    }
    if (!queryVars.isEmpty()) {
      String q = m.group(positional.size() + 1);
      if (q != null && !q.isEmpty()) {
        for (String pair : q.split("&")) {
          int eq = pair.indexOf('=');
          String k = decode(eq < 0 ? pair : pair.substring(0, eq));
          if (queryVars.contains(k)) {
            vars.put(k, eq < 0 ? "" : decode(pair.substring(eq + 1)));
          }
        }
      }
    }
    return Optional.of(vars);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  @Override
  public String toString() {
    return template;
  }
}
