/**
 * Mock of lightning/platformResourceLoader: loadScript "loads" the socketiojs static resource by
 * installing the fake socket.io `io` on window, as the real library's UMD wrapper would.
 * Tests can make it fail with loadScript.mockRejectedValueOnce(...).
 */
import { io } from 'socketIoMock';

export const loadScript = jest.fn(() => {
    window.io = io;
    return Promise.resolve();
});

export const loadStyle = jest.fn(() => Promise.resolve());
