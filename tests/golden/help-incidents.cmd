help incidents
