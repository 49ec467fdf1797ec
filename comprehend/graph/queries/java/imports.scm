(package_declaration
  [(identifier) (scoped_identifier)] @package)

(import_declaration) @import
