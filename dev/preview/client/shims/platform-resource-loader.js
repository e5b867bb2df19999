/**
 * `lightning/platformResourceLoader` in the local preview (lightning-base-components does not ship
 * it): `loadScript` adds a `<script>` to the document once per URL, `loadStyle` a stylesheet link.
 * Same contract as the platform module: a promise that resolves when the resource has loaded and
 * rejects when it fails; a second call with the same URL gets the same promise.
 */

const loaded = new Map();

function load(url, create) {
    if (!loaded.has(url)) {
        loaded.set(
            url,
            new Promise((resolve, reject) => {
                const element = create();
                element.addEventListener('load', () => resolve());
                element.addEventListener('error', () => {
                    loaded.delete(url);
                    reject(new Error(`Could not load ${url}`));
                });
                document.head.appendChild(element);
            })
        );
    }
    return loaded.get(url);
}

/**
 * Loads a script once.
 * @param {object} self The calling component (unused; the platform uses it for the namespace).
 * @param {string} url Script URL.
 * @returns {Promise<void>} Resolves once the script has run.
 */
export function loadScript(self, url) {
    return load(url, () => {
        const script = document.createElement('script');
        script.src = url;
        script.async = false;
        return script;
    });
}

/**
 * Loads a stylesheet once.
 * @param {object} self The calling component (unused).
 * @param {string} url Stylesheet URL.
 * @returns {Promise<void>} Resolves once the stylesheet has loaded.
 */
export function loadStyle(self, url) {
    return load(url, () => {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = url;
        return link;
    });
}
