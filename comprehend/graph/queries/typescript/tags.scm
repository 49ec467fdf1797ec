; inherits: javascript
; TypeScript's own definitions, from tree-sitter-typescript's queries/tags.scm.
(abstract_class_declaration
  name: (_) @name) @definition.class

(interface_declaration
  name: (_) @name) @definition.class

(enum_declaration
  name: (_) @name) @definition.class

(internal_module
  name: (_) @name) @definition.scope

(method_signature
  name: (_) @name) @definition.function

(abstract_method_signature
  name: (_) @name) @definition.function

(function_signature
  name: (_) @name) @definition.function
