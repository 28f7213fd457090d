print("threadlab: coming soon")
