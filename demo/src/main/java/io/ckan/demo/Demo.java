package io.ckan.demo; public final class Demo { public static void main(String[] a) {} }
