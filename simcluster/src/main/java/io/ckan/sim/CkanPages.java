package io.ckan.sim;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * CKAN's HTML pages as far as smoke checks ask for them: the front page and the dataset list answer 200 (the dataset
 * list 500 while Solr is down, as a real CKAN 2.11.5 did), any other path 404, unless the scenario says otherwise
 * ({@link Scenario#pageWhenRevision}).
 */
final class CkanPages {
  private CkanPages() {}

  private static final String HTML = "text/html; charset=utf-8";

  static FakeCkan.Answer answer(Scenario scenario, Deployment deployment, String path) {
    Integer status = scenario.pageStatusFor(deployment, path).orElse(null);
    if (status == null) {
      boolean known = path.equals("/") || path.equals("/dataset") || path.equals("/dataset/");
      status = !known ? 404 : path.startsWith("/dataset") && scenario.solrDown() ? 500 : 200;
    }
    return new FakeCkan.Answer(status, HTML, page(status));
  }

  private static String page(int status) {
    String title = switch (status) {
      case 200 -> "Dataset - CKAN";
      case 404 -> "Error 404 - CKAN";
      default -> "Error " + status + " - CKAN";
    };
    return "<!DOCTYPE html><html lang=\"en\"><head><title>" + title + "</title></head><body></body></html>";
  }
}
