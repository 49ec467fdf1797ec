; Definitions and calls, from tree-sitter-rust's queries/tags.scm. An impl block is a
; scope that names its methods after the type (Circle.area); its trait is a base.
(struct_item
  name: (type_identifier) @name) @definition.class

(enum_item
  name: (type_identifier) @name) @definition.class

(union_item
  name: (type_identifier) @name) @definition.class

(trait_item
  name: (type_identifier) @name) @definition.class

(function_item
  name: (identifier) @name) @definition.function

(function_signature_item
  name: (identifier) @name) @definition.function

(macro_definition
  name: (identifier) @name) @definition.function

(mod_item
  name: (identifier) @name
  body: (declaration_list)) @definition.module

(impl_item
  type: (_) @name) @definition.scope

(const_item
  name: (identifier) @name) @definition.constant

(static_item
  name: (identifier) @name) @definition.constant

(call_expression
  function: [(identifier) (scoped_identifier) (field_expression)] @call)

(struct_expression
  name: [(type_identifier) (scoped_type_identifier)] @call)

(macro_invocation
  macro: [(identifier) (scoped_identifier)] @call)
