package io.ckan.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.ckan.operator.api.CkanInstance;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** Runs examples/argocd/health.lua the way Argo CD does: a global `obj` holding the resource, returning `hs`. */
final class ArgoCdHealth {
  static final Path SCRIPT = Path.of("../examples/argocd/health.lua");

  record Health(String status, String message) {}

  static Health of(CkanInstance resource) throws Exception {
    Globals globals = JsePlatform.standardGlobals();
    JsonNode json = Serialization.jsonMapper().valueToTree(resource);
    globals.set("obj", lua(json));
    LuaValue hs = globals.load(Files.readString(SCRIPT), "health.lua").call();
    return new Health(hs.get("status").tojstring(), hs.get("message").isnil() ? "" : hs.get("message").tojstring());
  }

  private static LuaValue lua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        table.set(field.getKey(), lua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    return LuaValue.valueOf(node.asText());
  }
}
