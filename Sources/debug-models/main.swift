print("debug-models")
