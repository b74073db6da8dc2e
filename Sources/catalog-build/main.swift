print("catalog-build")
