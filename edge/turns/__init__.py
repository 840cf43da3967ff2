"""The turn engine: text -> rewrite -> taught phrases -> NLU -> plan -> confirm -> execute -> respond."""
