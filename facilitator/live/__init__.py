"""The live room's transport: Socket.IO handlers, the one operation path every change
takes, the frame decoder, the eventlet server and the cluster's message queue."""
